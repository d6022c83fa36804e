#include "formats/gguf_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "base/checked.h"
#include "formats/gguf_reader.h"

namespace tessera::gguf {

namespace {

bool is_signed_integer(ValueType type) {
  return type == ValueType::kInt8 || type == ValueType::kInt16 || type == ValueType::kInt32 ||
         type == ValueType::kInt64;
}

std::uint64_t unsigned_limit(ValueType type) {
  switch (type) {
    case ValueType::kUint8: return std::numeric_limits<std::uint8_t>::max();
    case ValueType::kUint16: return std::numeric_limits<std::uint16_t>::max();
    case ValueType::kUint32: return std::numeric_limits<std::uint32_t>::max();
    default: return std::numeric_limits<std::uint64_t>::max();
  }
}

std::int64_t signed_low(ValueType type) {
  switch (type) {
    case ValueType::kInt8: return std::numeric_limits<std::int8_t>::min();
    case ValueType::kInt16: return std::numeric_limits<std::int16_t>::min();
    case ValueType::kInt32: return std::numeric_limits<std::int32_t>::min();
    default: return std::numeric_limits<std::int64_t>::min();
  }
}

std::int64_t signed_high(ValueType type) {
  switch (type) {
    case ValueType::kInt8: return std::numeric_limits<std::int8_t>::max();
    case ValueType::kInt16: return std::numeric_limits<std::int16_t>::max();
    case ValueType::kInt32: return std::numeric_limits<std::int32_t>::max();
    default: return std::numeric_limits<std::int64_t>::max();
  }
}

Result<void> validate_value(const Value& value, const std::string& key, int depth) {
  if (static_cast<std::uint32_t>(value.type) > static_cast<std::uint32_t>(ValueType::kFloat64)) {
    return make_error(ErrorCode::kInvalidArgument, "metadata '{}': unknown value type {}", key,
                      static_cast<std::uint32_t>(value.type));
  }
  if (is_integer_type(value.type)) {
    // Values built with the factory of the other signedness would be written as zero.
    if (is_signed_integer(value.type)) {
      if (value.unsigned_value != 0 || value.signed_value < signed_low(value.type) ||
          value.signed_value > signed_high(value.type)) {
        return make_error(ErrorCode::kInvalidArgument, "metadata '{}': value does not fit {}", key,
                          value_type_name(value.type));
      }
    } else if (value.signed_value != 0 || value.unsigned_value > unsigned_limit(value.type)) {
      return make_error(ErrorCode::kInvalidArgument, "metadata '{}': value does not fit {}", key,
                        value_type_name(value.type));
    }
  }
  if (value.type != ValueType::kArray) return {};
  if (depth >= kMaxArrayDepth) {
    return make_error(ErrorCode::kInvalidArgument, "metadata '{}': arrays nested deeper than {}", key, kMaxArrayDepth);
  }
  for (const Value& element : value.elements) {
    if (element.type != value.element_type) {
      return make_error(ErrorCode::kInvalidArgument, "metadata '{}': {} element in an array of {}", key,
                        value_type_name(element.type), value_type_name(value.element_type));
    }
    TESSERA_TRY(validate_value(element, key, depth + 1));
  }
  return {};
}

class ByteSink {
 public:
  explicit ByteSink(std::vector<std::uint8_t>& bytes) : bytes_(bytes) {}

  template <typename T>
  void scalar(T value) {
    raw(&value, sizeof(T));
  }
  void string(std::string_view text) {
    scalar<std::uint64_t>(text.size());
    raw(text.data(), text.size());
  }
  void raw(const void* data, std::size_t size) {
    if (size == 0) return;
    std::size_t start = bytes_.size();
    bytes_.resize(start + size);
    std::memcpy(bytes_.data() + start, data, size);
  }
  void pad_to(std::uint64_t alignment) {
    while (bytes_.size() % alignment != 0) bytes_.push_back(0);
  }
  // The value's payload, without its type tag (arrays carry their element type and count).
  void value(const Value& value) {
    switch (value.type) {
      case ValueType::kUint8: scalar(static_cast<std::uint8_t>(value.unsigned_value)); break;
      case ValueType::kInt8: scalar(static_cast<std::int8_t>(value.signed_value)); break;
      case ValueType::kUint16: scalar(static_cast<std::uint16_t>(value.unsigned_value)); break;
      case ValueType::kInt16: scalar(static_cast<std::int16_t>(value.signed_value)); break;
      case ValueType::kUint32: scalar(static_cast<std::uint32_t>(value.unsigned_value)); break;
      case ValueType::kInt32: scalar(static_cast<std::int32_t>(value.signed_value)); break;
      case ValueType::kUint64: scalar(value.unsigned_value); break;
      case ValueType::kInt64: scalar(value.signed_value); break;
      case ValueType::kFloat32: scalar(static_cast<float>(value.float_value)); break;
      case ValueType::kFloat64: scalar(value.float_value); break;
      case ValueType::kBool: scalar(static_cast<std::uint8_t>(value.bool_value ? 1 : 0)); break;
      case ValueType::kString: string(value.string_value); break;
      case ValueType::kArray:
        scalar(static_cast<std::uint32_t>(value.element_type));
        scalar<std::uint64_t>(value.elements.size());
        for (const Value& element : value.elements) this->value(element);
        break;
    }
  }

 private:
  std::vector<std::uint8_t>& bytes_;
};

std::uint64_t padded(std::uint64_t size, std::uint64_t alignment) { return (size + alignment - 1) / alignment * alignment; }

}  // namespace

Writer::Writer(std::uint32_t version) : version_(version), alignment_(kDefaultAlignment) {
  if (version != 2 && version != 3) {
    throw Exception(make_error(ErrorCode::kInvalidArgument, "GGUF writer: version {} (supported: 2, 3)", version));
  }
}

Result<void> Writer::set(std::string key, Value value) {
  if (key.size() > kMaxNameLength) {
    return make_error(ErrorCode::kInvalidArgument, "metadata key of {} bytes is too long", key.size());
  }
  TESSERA_TRY(validate_value(value, key, 0));
  if (key == "general.alignment") {
    if (value.type != ValueType::kUint32 || !is_power_of_two(value.unsigned_value)) {
      return make_error(ErrorCode::kInvalidArgument, "general.alignment must be a u32 power of two");
    }
    alignment_ = value.unsigned_value;
  }
  for (KeyValue& existing : metadata_) {
    if (existing.key == key) {
      existing.value = std::move(value);
      return {};
    }
  }
  metadata_.push_back({std::move(key), std::move(value)});
  return {};
}

Result<void> Writer::set_string(std::string key, std::string value) {
  return set(std::move(key), Value::from_string(std::move(value)));
}
Result<void> Writer::set_uint32(std::string key, std::uint32_t value) {
  return set(std::move(key), Value::from_uint(ValueType::kUint32, value));
}
Result<void> Writer::set_int32(std::string key, std::int32_t value) {
  return set(std::move(key), Value::from_int(ValueType::kInt32, value));
}
Result<void> Writer::set_float32(std::string key, float value) {
  return set(std::move(key), Value::from_float(ValueType::kFloat32, value));
}
Result<void> Writer::set_bool(std::string key, bool value) { return set(std::move(key), Value::from_bool(value)); }

Result<void> Writer::add_tensor(std::string name, DType dtype, std::vector<std::int64_t> shape,
                                std::span<const std::uint8_t> data) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return make_error(ErrorCode::kInvalidArgument, "tensor name of {} bytes", name.size());
  }
  for (const PendingTensor& existing : tensors_) {
    if (existing.name == name) return make_error(ErrorCode::kInvalidArgument, "tensor '{}' added twice", name);
  }
  if (shape.empty() || shape.size() > static_cast<std::size_t>(kMaxDims)) {
    return make_error(ErrorCode::kInvalidArgument, "tensor '{}': {} dimensions (supported: 1..{})", name, shape.size(),
                      kMaxDims);
  }
  std::uint64_t rows = 1;
  for (std::size_t dim = 0; dim < shape.size(); ++dim) {
    if (shape[dim] < 0) return make_error(ErrorCode::kInvalidArgument, "tensor '{}': negative dimension", name);
    if (dim + 1 == shape.size()) break;
    auto product = checked_mul(rows, static_cast<std::uint64_t>(shape[dim]));
    if (!product) return make_error(ErrorCode::kInvalidArgument, "tensor '{}': element count overflows", name);
    rows = *product;
  }
  auto row_size = row_bytes(dtype, shape.back());
  if (!row_size) {
    return make_error(ErrorCode::kInvalidArgument, "tensor '{}': row of {} elements is not a whole number of {} blocks",
                      name, shape.back(), dtype_name(dtype));
  }
  auto size = checked_mul(*row_size, rows);
  if (!size || *size != data.size()) {
    return make_error(ErrorCode::kInvalidArgument, "tensor '{}': {} bytes of data given, its shape needs {}", name,
                      data.size(), size ? fmt::format("{}", *size) : std::string("more than 2^64"));
  }
  tensors_.push_back({std::move(name), dtype, std::move(shape), std::vector<std::uint8_t>(data.begin(), data.end())});
  return {};
}

std::vector<std::uint8_t> Writer::header_bytes() const {
  std::vector<std::uint8_t> bytes;
  ByteSink sink(bytes);
  sink.scalar(kMagic);
  sink.scalar(version_);
  sink.scalar<std::uint64_t>(tensors_.size());
  sink.scalar<std::uint64_t>(metadata_.size());
  for (const KeyValue& entry : metadata_) {
    sink.string(entry.key);
    sink.scalar(static_cast<std::uint32_t>(entry.value.type));
    sink.value(entry.value);
  }
  std::uint64_t offset = 0;
  for (const PendingTensor& tensor : tensors_) {
    sink.string(tensor.name);
    sink.scalar(static_cast<std::uint32_t>(tensor.shape.size()));
    for (auto extent = tensor.shape.rbegin(); extent != tensor.shape.rend(); ++extent) {
      sink.scalar(static_cast<std::uint64_t>(*extent));  // GGUF lists the innermost first
    }
    sink.scalar(static_cast<std::uint32_t>(tensor.dtype));
    sink.scalar(offset);
    offset += padded(tensor.data.size(), alignment_);
  }
  sink.pad_to(alignment_);
  return bytes;
}

std::vector<std::uint8_t> Writer::to_bytes() const {
  std::vector<std::uint8_t> bytes = header_bytes();
  ByteSink sink(bytes);
  for (const PendingTensor& tensor : tensors_) {
    sink.raw(tensor.data.data(), tensor.data.size());
    sink.pad_to(alignment_);
  }
  return bytes;
}

Result<void> Writer::write(const std::string& path) const {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!stream) return make_error(ErrorCode::kIo, "{}: cannot create: {}", path, std::strerror(errno));
  auto put = [&](const void* data, std::size_t size) -> Result<void> {
    if (size > 0 && std::fwrite(data, 1, size, stream.get()) != size) {
      return make_error(ErrorCode::kIo, "{}: write failed: {}", path, std::strerror(errno));
    }
    return {};
  };
  std::vector<std::uint8_t> header = header_bytes();
  TESSERA_TRY(put(header.data(), header.size()));
  static constexpr std::uint8_t kZeros[4096] = {};
  for (const PendingTensor& tensor : tensors_) {
    TESSERA_TRY(put(tensor.data.data(), tensor.data.size()));
    for (std::uint64_t padding = padded(tensor.data.size(), alignment_) - tensor.data.size(); padding > 0;) {
      std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(padding, sizeof(kZeros)));
      TESSERA_TRY(put(kZeros, chunk));
      padding -= chunk;
    }
  }
  if (std::fclose(stream.release()) != 0) {
    return make_error(ErrorCode::kIo, "{}: write failed: {}", path, std::strerror(errno));
  }
  return {};
}

}  // namespace tessera::gguf

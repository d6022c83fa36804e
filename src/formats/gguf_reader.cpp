#include "formats/gguf_reader.h"

#include <algorithm>
#include <cstring>

#include "base/checked.h"

namespace tessera::gguf {

namespace {
// Decoded metadata and tensor tables may take at most this much memory. The in-memory form of an
// element is far larger than its encoding (a one-byte u8 becomes a Value), so counts the file can
// hold are still refused past this budget; real files (250k-token vocabularies) need well under it.
constexpr std::uint64_t kMaxDecodedBytes = std::uint64_t{1} << 30;
// Rough cost of one hash-index entry beside the key or name itself.
constexpr std::uint64_t kIndexEntryBytes = 64;

std::uint64_t scalar_size(ValueType type) {
  switch (type) {
    case ValueType::kUint8:
    case ValueType::kInt8:
    case ValueType::kBool: return 1;
    case ValueType::kUint16:
    case ValueType::kInt16: return 2;
    case ValueType::kUint32:
    case ValueType::kInt32:
    case ValueType::kFloat32: return 4;
    case ValueType::kUint64:
    case ValueType::kInt64:
    case ValueType::kFloat64: return 8;
    default: return 0;
  }
}

bool is_known_type(std::uint32_t type) { return type <= static_cast<std::uint32_t>(ValueType::kFloat64); }

// Smallest encoding of one element of a type: bounds how many elements a count may promise.
std::uint64_t minimum_encoded_size(ValueType type) {
  if (type == ValueType::kString) return 8;
  if (type == ValueType::kArray) return 12;
  return scalar_size(type);
}
}  // namespace

std::int64_t TensorInfo::element_count() const {
  // The reader guarantees the product of the non-zero extents fits in int64.
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return 0;
  std::int64_t count = 1;
  for (auto dim : shape) count *= dim;
  return count;
}

// Cursor over the file bytes; every read is bounds-checked.
class Parser {
 public:
  Parser(std::span<const std::uint8_t> bytes, const std::string& name) : bytes_(bytes), name_(name) {}

  Result<void> parse(File& file);

 private:
  template <typename T>
  Result<T> read_scalar(std::string_view field) {
    if (!range_within(position_, sizeof(T), bytes_.size())) {
      return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: needs {} bytes past end of file", field, sizeof(T)));
    }
    T value;
    std::memcpy(&value, bytes_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return value;
  }

  Result<std::string> read_string(std::string_view field, std::uint64_t max_length);
  // Reads a T and widens it into `out` (a Value's integer or float field).
  template <typename T, typename Wide>
  Result<void> read_number(Wide& out, std::string_view field) {
    TESSERA_ASSIGN_OR_RETURN(T value, read_scalar<T>(field));
    out = static_cast<Wide>(value);
    return {};
  }

  Result<void> read_value(ValueType type, Value& out, std::string_view field, int depth);
  // Decodes elements.size() numbers of type T that the caller has checked lie inside the file.
  template <typename T, typename Wide>
  Result<void> fill_numbers(std::vector<Value>& elements, Wide Value::*member, ValueType type) {
    for (Value& element : elements) {
      T value;
      std::memcpy(&value, bytes_.data() + position_, sizeof(T));
      position_ += sizeof(T);
      element.type = type;
      element.*member = static_cast<Wide>(value);
    }
    return {};
  }
  Result<void> read_tensor_info(File& file, std::uint64_t index);
  Result<void> place_tensors(File& file);
  // Counts memory the decoded form will take; refuses once the budget is spent.
  Result<void> charge(std::uint64_t count, std::uint64_t unit_bytes, std::string_view field);

  Error error_at(ErrorCode code, const std::string& message) const {
    return make_error(code, "{}: offset {}: {}", name_, position_, message);
  }

  std::span<const std::uint8_t> bytes_;
  const std::string& name_;
  std::uint64_t position_ = 0;
  std::uint64_t decoded_bytes_ = 0;
};

Result<void> Parser::charge(std::uint64_t count, std::uint64_t unit_bytes, std::string_view field) {
  auto cost = checked_mul(count, unit_bytes);
  auto total = cost ? checked_add(decoded_bytes_, *cost) : std::nullopt;
  if (!total || *total > kMaxDecodedBytes) {
    return error_at(ErrorCode::kOutOfMemory,
                    fmt::format("{}: {} entries would take the decoded metadata past its {} MiB limit", field, count,
                                kMaxDecodedBytes >> 20));
  }
  decoded_bytes_ = *total;
  return {};
}

Result<std::string> Parser::read_string(std::string_view field, std::uint64_t max_length) {
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t length, read_scalar<std::uint64_t>(field));
  if (!range_within(position_, length, bytes_.size())) {
    return error_at(ErrorCode::kInvalidFormat,
                    fmt::format("{}: string of {} bytes runs past end of file ({} bytes)", field, length,
                                bytes_.size()));
  }
  if (length > max_length) {
    return error_at(ErrorCode::kInvalidFormat,
                    fmt::format("{}: string length {} exceeds the limit of {}", field, length, max_length));
  }
  TESSERA_TRY(charge(length, 1, field));
  std::string text(reinterpret_cast<const char*>(bytes_.data() + position_), static_cast<std::size_t>(length));
  position_ += length;
  return text;
}

// Decodes in place: arrays of a million elements are common (vocabularies), so no temporary
// Value or Result is built per element.
Result<void> Parser::read_value(ValueType type, Value& out, std::string_view field, int depth) {
  out.type = type;
  switch (type) {
    case ValueType::kUint8: return read_number<std::uint8_t>(out.unsigned_value, field);
    case ValueType::kUint16: return read_number<std::uint16_t>(out.unsigned_value, field);
    case ValueType::kUint32: return read_number<std::uint32_t>(out.unsigned_value, field);
    case ValueType::kUint64: return read_number<std::uint64_t>(out.unsigned_value, field);
    case ValueType::kInt8: return read_number<std::int8_t>(out.signed_value, field);
    case ValueType::kInt16: return read_number<std::int16_t>(out.signed_value, field);
    case ValueType::kInt32: return read_number<std::int32_t>(out.signed_value, field);
    case ValueType::kInt64: return read_number<std::int64_t>(out.signed_value, field);
    case ValueType::kFloat32: return read_number<float>(out.float_value, field);
    case ValueType::kFloat64: return read_number<double>(out.float_value, field);
    case ValueType::kBool: {
      TESSERA_ASSIGN_OR_RETURN(auto value, read_scalar<std::uint8_t>(field));
      if (value > 1) return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: bool byte {}", field, value));
      out.bool_value = value != 0;
      return {};
    }
    case ValueType::kString: {
      TESSERA_ASSIGN_OR_RETURN(out.string_value, read_string(field, bytes_.size()));
      return {};
    }
    case ValueType::kArray: {
      if (depth >= kMaxArrayDepth) {
        return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: arrays nested deeper than {}", field, kMaxArrayDepth));
      }
      TESSERA_ASSIGN_OR_RETURN(std::uint32_t element_type_id, read_scalar<std::uint32_t>(field));
      if (!is_known_type(element_type_id)) {
        return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: unknown array element type {}", field, element_type_id));
      }
      auto element_type = static_cast<ValueType>(element_type_id);
      TESSERA_ASSIGN_OR_RETURN(std::uint64_t count, read_scalar<std::uint64_t>(field));
      // Every element takes at least minimum_encoded_size bytes, so a count the file cannot hold is
      // refused before anything is allocated.
      auto needed = checked_mul(count, minimum_encoded_size(element_type));
      if (!needed || !range_within(position_, *needed, bytes_.size())) {
        return error_at(ErrorCode::kInvalidFormat,
                        fmt::format("{}: array of {} {} elements runs past end of file", field, count,
                                    value_type_name(element_type)));
      }
      TESSERA_TRY(charge(count, sizeof(Value), field));
      out.element_type = element_type;
      out.elements.resize(static_cast<std::size_t>(count));
      // Numbers have a fixed size, so the check above covered the whole array: decode it directly.
      switch (element_type) {
        case ValueType::kUint8: return fill_numbers<std::uint8_t>(out.elements, &Value::unsigned_value, element_type);
        case ValueType::kUint16: return fill_numbers<std::uint16_t>(out.elements, &Value::unsigned_value, element_type);
        case ValueType::kUint32: return fill_numbers<std::uint32_t>(out.elements, &Value::unsigned_value, element_type);
        case ValueType::kUint64: return fill_numbers<std::uint64_t>(out.elements, &Value::unsigned_value, element_type);
        case ValueType::kInt8: return fill_numbers<std::int8_t>(out.elements, &Value::signed_value, element_type);
        case ValueType::kInt16: return fill_numbers<std::int16_t>(out.elements, &Value::signed_value, element_type);
        case ValueType::kInt32: return fill_numbers<std::int32_t>(out.elements, &Value::signed_value, element_type);
        case ValueType::kInt64: return fill_numbers<std::int64_t>(out.elements, &Value::signed_value, element_type);
        case ValueType::kFloat32: return fill_numbers<float>(out.elements, &Value::float_value, element_type);
        case ValueType::kFloat64: return fill_numbers<double>(out.elements, &Value::float_value, element_type);
        default: break;
      }
      for (Value& element : out.elements) TESSERA_TRY(read_value(element_type, element, field, depth + 1));
      return {};
    }
  }
  return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: unknown value type", field));
}

Result<void> Parser::read_tensor_info(File& file, std::uint64_t index) {
  std::string field = fmt::format("tensor #{}", index);
  TESSERA_ASSIGN_OR_RETURN(std::string name, read_string(field + " name", kMaxNameLength));
  field = fmt::format("tensor '{}'", name);
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t n_dims, read_scalar<std::uint32_t>(field + " n_dims"));
  if (n_dims == 0 || n_dims > kMaxDims) {
    return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: n_dims {} not in 1..{}", field, n_dims, kMaxDims));
  }
  std::vector<std::int64_t> shape(n_dims);
  std::uint64_t element_count = 1;
  for (std::uint32_t dim = 0; dim < n_dims; ++dim) {
    TESSERA_ASSIGN_OR_RETURN(std::uint64_t extent, read_scalar<std::uint64_t>(field + " dimension"));
    if (extent > static_cast<std::uint64_t>(INT64_MAX)) {
      return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: dimension {} does not fit in int64", field, extent));
    }
    // Zero extents are skipped here, so a zero cannot hide an overflowing product of the others.
    auto product = checked_mul(element_count, std::max<std::uint64_t>(extent, 1));
    if (!product || *product > static_cast<std::uint64_t>(INT64_MAX)) {
      return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: element count overflows", field));
    }
    element_count = *product;
    shape[n_dims - 1 - dim] = static_cast<std::int64_t>(extent);  // GGUF lists the innermost first
  }
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) element_count = 0;
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t type_id, read_scalar<std::uint32_t>(field + " type"));
  auto info = dtype_info(static_cast<std::int32_t>(type_id));
  if (!info) {
    return error_at(ErrorCode::kUnsupported, fmt::format("{}: unknown or unsupported tensor type {}", field, type_id));
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t offset, read_scalar<std::uint64_t>(field + " offset"));
  auto row_size = row_bytes(info->dtype, shape.back());
  if (!row_size) {
    return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: row of {} elements is not a whole number of {} blocks",
                                                           field, shape.back(), info->name));
  }
  std::uint64_t rows = shape.back() == 0 ? 0 : element_count / static_cast<std::uint64_t>(shape.back());
  auto size = checked_mul(*row_size, rows);
  if (!size) return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: byte size overflows", field));
  if (file.tensor_index_.contains(name)) {
    return error_at(ErrorCode::kInvalidFormat, fmt::format("{}: duplicate tensor name", field));
  }
  file.tensor_index_.emplace(name, file.tensors_.size());
  TensorInfo tensor;
  tensor.name = std::move(name);
  tensor.dtype = info->dtype;
  tensor.shape = std::move(shape);
  tensor.offset = offset;
  tensor.size_bytes = *size;
  file.tensors_.push_back(std::move(tensor));
  return {};
}

Result<void> Parser::place_tensors(File& file) {
  auto data_start = checked_align_up(position_, file.alignment_);
  if (!data_start || *data_start > bytes_.size()) {
    // A file without tensors may end before the padding of its (empty) data section.
    if (file.tensors_.empty()) {
      file.data_offset_ = bytes_.size();
      return {};
    }
    return error_at(ErrorCode::kInvalidFormat,
                    fmt::format("tensor data section starts past end of file (alignment {})", file.alignment_));
  }
  file.data_offset_ = *data_start;
  std::uint64_t data_size = bytes_.size() - *data_start;
  std::vector<const TensorInfo*> by_offset;
  by_offset.reserve(file.tensors_.size());
  for (auto& tensor : file.tensors_) {
    if (tensor.offset % file.alignment_ != 0) {
      return make_error(ErrorCode::kInvalidFormat, "{}: tensor '{}' offset {} is not a multiple of alignment {}", name_,
                        tensor.name, tensor.offset, file.alignment_);
    }
    if (!range_within(tensor.offset, tensor.size_bytes, data_size)) {
      return make_error(ErrorCode::kInvalidFormat,
                        "{}: tensor '{}' data [{}, +{}) runs past end of file (data section holds {} bytes)", name_,
                        tensor.name, tensor.offset, tensor.size_bytes, data_size);
    }
    tensor.data = bytes_.data() + *data_start + tensor.offset;
    by_offset.push_back(&tensor);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
  // Sorted by offset, a tensor overlaps an earlier one exactly when it starts before the furthest
  // end seen so far (ends cannot overflow: each range was checked against the data section).
  const TensorInfo* furthest = nullptr;
  std::uint64_t furthest_end = 0;
  for (const TensorInfo* tensor : by_offset) {
    if (tensor->size_bytes == 0) continue;
    if (furthest != nullptr && tensor->offset < furthest_end) {
      return make_error(ErrorCode::kInvalidFormat, "{}: tensors '{}' [{}, +{}) and '{}' [{}, +{}) overlap", name_,
                        furthest->name, furthest->offset, furthest->size_bytes, tensor->name, tensor->offset,
                        tensor->size_bytes);
    }
    if (tensor->offset + tensor->size_bytes > furthest_end) {
      furthest = tensor;
      furthest_end = tensor->offset + tensor->size_bytes;
    }
  }
  return {};
}

Result<void> Parser::parse(File& file) {
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t magic, read_scalar<std::uint32_t>("magic"));
  if (magic != kMagic) return error_at(ErrorCode::kInvalidFormat, "not a GGUF file (bad magic)");
  TESSERA_ASSIGN_OR_RETURN(file.version_, read_scalar<std::uint32_t>("version"));
  if (file.version_ != 2 && file.version_ != 3) {
    return error_at(ErrorCode::kUnsupported, fmt::format("GGUF version {} (supported: 2, 3)", file.version_));
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t n_tensors, read_scalar<std::uint64_t>("tensor_count"));
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t n_metadata, read_scalar<std::uint64_t>("metadata_kv_count"));
  // A key/value takes at least 13 bytes and a tensor info at least 28: refuse counts the file cannot hold.
  std::uint64_t remaining = bytes_.size() - position_;
  if (n_metadata > remaining / 13) {
    return error_at(ErrorCode::kInvalidFormat, fmt::format("metadata_kv_count {} exceeds what the file holds", n_metadata));
  }
  if (n_tensors > remaining / 28) {
    return error_at(ErrorCode::kInvalidFormat, fmt::format("tensor_count {} exceeds what the file holds", n_tensors));
  }
  TESSERA_TRY(charge(n_metadata, sizeof(KeyValue) + kIndexEntryBytes, "metadata_kv_count"));
  TESSERA_TRY(charge(n_tensors, sizeof(TensorInfo) + kIndexEntryBytes, "tensor_count"));
  file.metadata_.reserve(static_cast<std::size_t>(n_metadata));
  for (std::uint64_t index = 0; index < n_metadata; ++index) {
    TESSERA_ASSIGN_OR_RETURN(std::string key, read_string(fmt::format("metadata key #{}", index), kMaxNameLength));
    TESSERA_ASSIGN_OR_RETURN(std::uint32_t type_id, read_scalar<std::uint32_t>(key));
    if (!is_known_type(type_id)) {
      return error_at(ErrorCode::kInvalidFormat, fmt::format("metadata '{}': unknown value type {}", key, type_id));
    }
    Value value;
    TESSERA_TRY(read_value(static_cast<ValueType>(type_id), value, key, 0));
    if (file.metadata_index_.contains(key)) {
      return error_at(ErrorCode::kInvalidFormat, fmt::format("metadata '{}': duplicate key", key));
    }
    if (key == "general.alignment") {
      auto alignment = value.as_uint();
      if (value.type != ValueType::kUint32 || !alignment || !is_power_of_two(*alignment)) {
        return error_at(ErrorCode::kInvalidFormat, "general.alignment must be a u32 power of two");
      }
      file.alignment_ = *alignment;
    }
    file.metadata_index_.emplace(key, file.metadata_.size());
    file.metadata_.push_back({std::move(key), std::move(value)});
  }
  file.tensors_.reserve(static_cast<std::size_t>(n_tensors));
  for (std::uint64_t index = 0; index < n_tensors; ++index) TESSERA_TRY(read_tensor_info(file, index));
  return place_tensors(file);
}

Result<File> File::open(const std::string& path) {
  TESSERA_ASSIGN_OR_RETURN(MappedFile mapped, MappedFile::open(path));
  auto bytes = mapped.bytes();
  TESSERA_ASSIGN_OR_RETURN(File file, parse(bytes, path));
  file.mapped_ = std::move(mapped);  // the map's address does not move with the object
  return file;
}

Result<File> File::parse(std::span<const std::uint8_t> bytes, std::string display_name) {
  File file;
  file.bytes_ = bytes;
  file.display_name_ = std::move(display_name);
  Parser parser(bytes, file.display_name_);
  TESSERA_TRY(parser.parse(file));
  return file;
}

const Value* File::find(std::string_view key) const {
  auto found = metadata_index_.find(std::string(key));
  return found == metadata_index_.end() ? nullptr : &metadata_[found->second].value;
}

const TensorInfo* File::find_tensor(std::string_view name) const {
  auto found = tensor_index_.find(std::string(name));
  return found == tensor_index_.end() ? nullptr : &tensors_[found->second];
}

namespace {
Error missing(const std::string& file, std::string_view key) {
  return make_error(ErrorCode::kNotFound, "{}: metadata '{}' missing", file, key);
}
Error wrong_type(const std::string& file, std::string_view key, const Value& value, std::string_view wanted) {
  return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}' is {}, expected {}", file, key,
                    value_type_name(value.type), wanted);
}
}  // namespace

Result<std::string> File::get_string(std::string_view key) const {
  const Value* value = find(key);
  if (value == nullptr) return missing(display_name_, key);
  if (value->type != ValueType::kString) return wrong_type(display_name_, key, *value, "str");
  return value->string_value;
}

Result<std::int64_t> File::get_int(std::string_view key) const {
  const Value* value = find(key);
  if (value == nullptr) return missing(display_name_, key);
  auto number = value->as_int();
  if (!number) return wrong_type(display_name_, key, *value, "an integer that fits in i64");
  return *number;
}

Result<double> File::get_float(std::string_view key) const {
  const Value* value = find(key);
  if (value == nullptr) return missing(display_name_, key);
  auto number = value->as_double();
  if (!number) return wrong_type(display_name_, key, *value, "a number");
  return *number;
}

Result<bool> File::get_bool(std::string_view key) const {
  const Value* value = find(key);
  if (value == nullptr) return missing(display_name_, key);
  if (value->type != ValueType::kBool) return wrong_type(display_name_, key, *value, "bool");
  return value->bool_value;
}

Result<const Value*> File::get_array(std::string_view key, ValueType element_type) const {
  const Value* value = find(key);
  if (value == nullptr) return missing(display_name_, key);
  if (value->type != ValueType::kArray) return wrong_type(display_name_, key, *value, "arr");
  if (value->element_type != element_type) {
    return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}' is an array of {}, expected {}", display_name_, key,
                      value_type_name(value->element_type), value_type_name(element_type));
  }
  return value;
}

}  // namespace tessera::gguf

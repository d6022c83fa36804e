#include "formats/gguf_value.h"

#include <bit>
#include <limits>

#include <fmt/format.h>

namespace tessera::gguf {

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kUint8: return "u8";
    case ValueType::kInt8: return "i8";
    case ValueType::kUint16: return "u16";
    case ValueType::kInt16: return "i16";
    case ValueType::kUint32: return "u32";
    case ValueType::kInt32: return "i32";
    case ValueType::kFloat32: return "f32";
    case ValueType::kBool: return "bool";
    case ValueType::kString: return "str";
    case ValueType::kArray: return "arr";
    case ValueType::kUint64: return "u64";
    case ValueType::kInt64: return "i64";
    case ValueType::kFloat64: return "f64";
  }
  return "?";
}

bool is_integer_type(ValueType type) {
  switch (type) {
    case ValueType::kUint8:
    case ValueType::kInt8:
    case ValueType::kUint16:
    case ValueType::kInt16:
    case ValueType::kUint32:
    case ValueType::kInt32:
    case ValueType::kUint64:
    case ValueType::kInt64: return true;
    default: return false;
  }
}

bool is_float_type(ValueType type) { return type == ValueType::kFloat32 || type == ValueType::kFloat64; }

namespace {
bool is_signed_type(ValueType type) {
  return type == ValueType::kInt8 || type == ValueType::kInt16 || type == ValueType::kInt32 ||
         type == ValueType::kInt64;
}
}  // namespace

Value Value::from_uint(ValueType type, std::uint64_t value) {
  Value result;
  result.type = type;
  result.unsigned_value = value;
  return result;
}

Value Value::from_int(ValueType type, std::int64_t value) {
  Value result;
  result.type = type;
  result.signed_value = value;
  return result;
}

Value Value::from_float(ValueType type, double value) {
  Value result;
  result.type = type;
  result.float_value = type == ValueType::kFloat32 ? static_cast<double>(static_cast<float>(value)) : value;
  return result;
}

Value Value::from_bool(bool value) {
  Value result;
  result.type = ValueType::kBool;
  result.bool_value = value;
  return result;
}

Value Value::from_string(std::string value) {
  Value result;
  result.type = ValueType::kString;
  result.string_value = std::move(value);
  return result;
}

Value Value::from_array(ValueType element_type, std::vector<Value> elements) {
  Value result;
  result.type = ValueType::kArray;
  result.element_type = element_type;
  result.elements = std::move(elements);
  return result;
}

std::optional<std::int64_t> Value::as_int() const {
  if (!is_integer_type(type)) return std::nullopt;
  if (is_signed_type(type)) return signed_value;
  if (unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return static_cast<std::int64_t>(unsigned_value);
}

std::optional<std::uint64_t> Value::as_uint() const {
  if (!is_integer_type(type)) return std::nullopt;
  if (!is_signed_type(type)) return unsigned_value;
  if (signed_value < 0) return std::nullopt;
  return static_cast<std::uint64_t>(signed_value);
}

std::optional<double> Value::as_double() const {
  if (is_float_type(type)) return float_value;
  if (is_signed_type(type)) return static_cast<double>(signed_value);
  if (is_integer_type(type)) return static_cast<double>(unsigned_value);
  return std::nullopt;
}

bool operator==(const Value& left, const Value& right) {
  if (left.type != right.type) return false;
  switch (left.type) {
    case ValueType::kBool: return left.bool_value == right.bool_value;
    case ValueType::kString: return left.string_value == right.string_value;
    case ValueType::kFloat32:
    case ValueType::kFloat64:
      return std::bit_cast<std::uint64_t>(left.float_value) == std::bit_cast<std::uint64_t>(right.float_value);
    case ValueType::kArray: return left.element_type == right.element_type && left.elements == right.elements;
    default:
      return is_signed_type(left.type) ? left.signed_value == right.signed_value
                                       : left.unsigned_value == right.unsigned_value;
  }
}

std::string Value::to_display_string(std::size_t max_elements) const {
  switch (type) {
    case ValueType::kBool: return bool_value ? "true" : "false";
    case ValueType::kString: {
      std::string shown = string_value.size() > 60 ? string_value.substr(0, 57) + "..." : string_value;
      return fmt::format("\"{}\"", shown);
    }
    case ValueType::kFloat32:
    case ValueType::kFloat64: return fmt::format("{}", float_value);
    case ValueType::kArray: {
      std::string text = fmt::format("[{} x {}]", elements.size(), value_type_name(element_type));
      if (elements.empty()) return text;
      text += " [";
      for (std::size_t index = 0; index < elements.size() && index < max_elements; ++index) {
        if (index > 0) text += ", ";
        text += elements[index].to_display_string(max_elements);
      }
      if (elements.size() > max_elements) text += ", ...";
      return text + "]";
    }
    default: return is_signed_type(type) ? fmt::format("{}", signed_value) : fmt::format("{}", unsigned_value);
  }
}

}  // namespace tessera::gguf

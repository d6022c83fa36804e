// GGUF metadata values: scalars, strings and (nested) arrays, as read from or written to a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::gguf {

// Arrays nested deeper than this are refused by the reader and the writer: no real file needs
// them, and recursion over untrusted input stays bounded.
inline constexpr int kMaxArrayDepth = 8;

enum class ValueType : std::uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};

std::string_view value_type_name(ValueType type);
bool is_integer_type(ValueType type);
bool is_float_type(ValueType type);

struct Value {
  ValueType type = ValueType::kUint8;
  // Scalars: integers are held widened in one of these, by signedness.
  std::uint64_t unsigned_value = 0;
  std::int64_t signed_value = 0;
  double float_value = 0.0;
  bool bool_value = false;
  std::string string_value;
  // Arrays: element_type and the elements (each of type element_type).
  ValueType element_type = ValueType::kUint8;
  std::vector<Value> elements;

  static Value from_uint(ValueType type, std::uint64_t value);
  static Value from_int(ValueType type, std::int64_t value);
  // A kFloat32 value is rounded to float here, so a Value always holds what its file encoding holds.
  static Value from_float(ValueType type, double value);
  static Value from_bool(bool value);
  static Value from_string(std::string value);
  static Value from_array(ValueType element_type, std::vector<Value> elements);

  // Integer view of any integer type; nullopt for other types or when it does not fit.
  std::optional<std::int64_t> as_int() const;
  std::optional<std::uint64_t> as_uint() const;
  // Numeric view of any integer or float type.
  std::optional<double> as_double() const;
  // Short human-readable rendering (arrays abbreviated), for `tessera info`.
  std::string to_display_string(std::size_t max_elements = 8) const;

  // Same type and same payload; floats compare by bit pattern so NaN and -0.0 round-trip checks work.
  friend bool operator==(const Value& left, const Value& right);
};

struct KeyValue {
  std::string key;
  Value value;
};

}  // namespace tessera::gguf

#include "formats/gguf_expect.h"

#include <algorithm>

namespace tessera::gguf {

std::string shape_to_string(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t index = 0; index < shape.size(); ++index) {
    if (index > 0) text += ", ";
    text += fmt::format("{}", shape[index]);
  }
  return text + "]";
}

Result<const TensorInfo*> expect_tensor(const File& file, std::string_view name,
                                        const std::vector<DType>& allowed_dtypes,
                                        const std::vector<std::int64_t>& shape) {
  const TensorInfo* tensor = file.find_tensor(name);
  if (tensor == nullptr) return make_error(ErrorCode::kNotFound, "{}: tensor '{}' missing", file.path(), name);
  if (tensor->shape != shape) {
    return make_error(ErrorCode::kInvalidFormat, "{}: tensor '{}' has shape {}, expected {}", file.path(), name,
                      shape_to_string(tensor->shape), shape_to_string(shape));
  }
  if (!allowed_dtypes.empty() &&
      std::find(allowed_dtypes.begin(), allowed_dtypes.end(), tensor->dtype) == allowed_dtypes.end()) {
    std::string allowed;
    for (DType dtype : allowed_dtypes) {
      if (!allowed.empty()) allowed += ", ";
      allowed += dtype_name(dtype);
    }
    return make_error(ErrorCode::kInvalidFormat, "{}: tensor '{}' has type {}, expected {}{}", file.path(), name,
                      dtype_name(tensor->dtype), allowed_dtypes.size() > 1 ? "one of " : "", allowed);
  }
  return tensor;
}

Result<const Value*> expect_array_length(const File& file, std::string_view key, ValueType element_type,
                                         std::uint64_t length) {
  TESSERA_ASSIGN_OR_RETURN(const Value* array, file.get_array(key, element_type));
  if (array->elements.size() != length) {
    return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}' has {} elements, expected {}", file.path(), key,
                      array->elements.size(), length);
  }
  return array;
}

}  // namespace tessera::gguf

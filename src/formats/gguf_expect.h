// Checks a model loader makes on a GGUF file against what its architecture expects: tensor shapes
// and types, and metadata arrays of a given length (one entry per vocabulary token). Each failure
// is an Error naming the tensor or key, what the file holds and what was expected.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "formats/gguf_reader.h"

namespace tessera::gguf {

// The tensor `name` with exactly `shape` (outermost first) and one of `allowed_dtypes` (any dtype
// when empty). Missing tensors give kNotFound; wrong shapes or types give kInvalidFormat.
Result<const TensorInfo*> expect_tensor(const File& file, std::string_view name,
                                        const std::vector<DType>& allowed_dtypes,
                                        const std::vector<std::int64_t>& shape);

// The array metadata `key` holding exactly `length` elements of `element_type`.
Result<const Value*> expect_array_length(const File& file, std::string_view key, ValueType element_type,
                                         std::uint64_t length);

// "[64, 512]"
std::string shape_to_string(const std::vector<std::int64_t>& shape);

}  // namespace tessera::gguf

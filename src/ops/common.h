// Helpers shared by the op definitions: reading tensor descriptors and checking them with clear messages.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

// A tensor is viewed as rows of its innermost dimension; outer dimensions may have any byte strides.
std::int64_t row_length(const tessera_tensor& tensor);
std::int64_t row_count(const tessera_tensor& tensor);
char* row_pointer(const tessera_tensor& tensor, std::int64_t row);
std::string shape_string(const tessera_tensor& tensor);  // "[4, 8]"
std::string dtype_string(std::int32_t dtype);            // "Q4_K"

Result<void> expect_inputs(const tessera_op_call& call, const char* op, int minimum, int maximum);
// Dtype, rank 1..4, non-negative extents, innermost stride = element size for plain types, data present.
Result<void> expect_tensor(const char* op, const char* what, const tessera_tensor& tensor, std::int32_t dtype);
Result<void> expect_rank(const char* op, const char* what, const tessera_tensor& tensor, int rank);
bool same_shape(const tessera_tensor& a, const tessera_tensor& b);

// The checks of the row-wise F32 ops (add, mul, scale, silu, gelu, swiglu, softmax): output shaped as
// input 0; with two inputs, input 1 has rows of the same length and either as many rows as input 0 or,
// when broadcast is allowed, a row count dividing it.
Result<void> validate_rowwise(const tessera_op_call& call, const char* op, bool binary, bool broadcast);

// True for the weight dtypes get_rows and matmul accept.
bool is_weight_dtype(std::int32_t dtype);

}  // namespace tessera::ops

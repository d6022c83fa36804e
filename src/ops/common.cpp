#include "ops/common.h"

#include <fmt/format.h>

#include "tensor/dtype.h"

namespace tessera::ops {

std::int64_t row_length(const tessera_tensor& tensor) { return tensor.shape[tensor.n_dims - 1]; }

std::int64_t row_count(const tessera_tensor& tensor) {
  std::int64_t rows = 1;
  for (int dim = 0; dim + 1 < tensor.n_dims; ++dim) rows *= tensor.shape[dim];
  return rows;
}

char* row_pointer(const tessera_tensor& tensor, std::int64_t row) {
  char* pointer = static_cast<char*>(tensor.data);
  for (int dim = tensor.n_dims - 2; dim >= 0; --dim) {
    pointer += (row % tensor.shape[dim]) * tensor.stride[dim];
    row /= tensor.shape[dim];
  }
  return pointer;
}

std::string shape_string(const tessera_tensor& tensor) {
  std::string text = "[";
  for (int dim = 0; dim < tensor.n_dims && dim < TESSERA_MAX_DIMS; ++dim) {
    if (dim > 0) text += ", ";
    text += std::to_string(tensor.shape[dim]);
  }
  return text + "]";
}

std::string dtype_string(std::int32_t dtype) {
  auto info = dtype_info(dtype);
  return info ? std::string(info->name) : fmt::format("dtype {}", dtype);
}

Result<void> expect_inputs(const tessera_op_call& call, const char* op, int minimum, int maximum) {
  if (call.n_inputs < minimum || call.n_inputs > maximum) {
    if (minimum == maximum) return make_error(ErrorCode::kInvalidArgument, "{}: takes {} inputs, got {}", op, minimum, call.n_inputs);
    return make_error(ErrorCode::kInvalidArgument, "{}: takes {} to {} inputs, got {}", op, minimum, maximum, call.n_inputs);
  }
  return {};
}

Result<void> expect_tensor(const char* op, const char* what, const tessera_tensor& tensor, std::int32_t dtype) {
  if (tensor.dtype != dtype) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} is {}, expected {}", op, what, dtype_string(tensor.dtype),
                      dtype_string(dtype));
  }
  if (tensor.n_dims < 1 || tensor.n_dims > TESSERA_MAX_DIMS) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} has {} dims, expected 1 to {}", op, what, tensor.n_dims, TESSERA_MAX_DIMS);
  }
  for (int dim = 0; dim < tensor.n_dims; ++dim) {
    if (tensor.shape[dim] < 0) {
      return make_error(ErrorCode::kInvalidArgument, "{}: {} has negative shape {}", op, what, shape_string(tensor));
    }
  }
  auto info = dtype_info(dtype);
  if (!info) return make_error(ErrorCode::kUnsupported, "{}: {} has unknown dtype {}", op, what, dtype);
  if (!info->quantized && tensor.stride[tensor.n_dims - 1] != info->block_bytes && tensor.shape[tensor.n_dims - 1] > 1) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} innermost stride {} is not the element size {}", op, what,
                      tensor.stride[tensor.n_dims - 1], info->block_bytes);
  }
  if (info->quantized && tensor.shape[tensor.n_dims - 1] % info->block_size != 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} rows of {} elements are not whole {} blocks of {}", op, what,
                      tensor.shape[tensor.n_dims - 1], info->name, info->block_size);
  }
  if (tensor.data == nullptr && row_count(tensor) * row_length(tensor) > 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} has no data", op, what);
  }
  return {};
}

Result<void> expect_rank(const char* op, const char* what, const tessera_tensor& tensor, int rank) {
  if (tensor.n_dims != rank) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} has shape {}, expected {} dims", op, what, shape_string(tensor), rank);
  }
  return {};
}

bool same_shape(const tessera_tensor& a, const tessera_tensor& b) {
  if (a.n_dims != b.n_dims) return false;
  for (int dim = 0; dim < a.n_dims; ++dim) {
    if (a.shape[dim] != b.shape[dim]) return false;
  }
  return true;
}

Result<void> validate_rowwise(const tessera_op_call& call, const char* op, bool binary, bool broadcast) {
  TESSERA_TRY(expect_inputs(call, op, binary ? 2 : 1, binary ? 2 : 1));
  const tessera_tensor& a = call.inputs[0];
  TESSERA_TRY(expect_tensor(op, "input 0", a, TESSERA_DTYPE_F32));
  TESSERA_TRY(expect_tensor(op, "output", call.output, TESSERA_DTYPE_F32));
  if (!same_shape(a, call.output)) {
    return make_error(ErrorCode::kInvalidArgument, "{}: output shape {} differs from input shape {}", op,
                      shape_string(call.output), shape_string(a));
  }
  if (!binary) return {};
  const tessera_tensor& b = call.inputs[1];
  TESSERA_TRY(expect_tensor(op, "input 1", b, TESSERA_DTYPE_F32));
  if (row_length(b) != row_length(a)) {
    return make_error(ErrorCode::kInvalidArgument, "{}: input 1 {} rows differ in length from input 0 {}", op,
                      shape_string(b), shape_string(a));
  }
  const std::int64_t rows = row_count(a), rows_b = row_count(b);
  const bool fits = broadcast ? (rows_b > 0 && rows % rows_b == 0) : rows_b == rows;
  if (!fits) {
    return make_error(ErrorCode::kInvalidArgument, "{}: input 1 {} has {} rows; input 0 {} has {} rows{}", op,
                      shape_string(b), rows_b, shape_string(a), rows, broadcast ? ", not a multiple" : "");
  }
  return {};
}

bool is_weight_dtype(std::int32_t dtype) {
  switch (dtype) {
    case TESSERA_DTYPE_F32: case TESSERA_DTYPE_F16: case TESSERA_DTYPE_BF16: case TESSERA_DTYPE_Q8_0:
    case TESSERA_DTYPE_Q4_0: case TESSERA_DTYPE_Q4_1: case TESSERA_DTYPE_Q5_0: case TESSERA_DTYPE_Q5_1:
    case TESSERA_DTYPE_Q4_K: case TESSERA_DTYPE_Q5_K: case TESSERA_DTYPE_Q6_K: return true;
    default: return false;
  }
}

}  // namespace tessera::ops

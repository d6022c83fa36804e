#include "ops/matmul/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_matmul(const tessera_op_call& call) {
  TESSERA_TRY(expect_inputs(call, "matmul", 2, 2));
  const tessera_tensor& weight = call.inputs[0];  // [n_out, n_in]
  const tessera_tensor& x = call.inputs[1];       // [m, n_in]
  if (!is_weight_dtype(weight.dtype)) {
    return make_error(ErrorCode::kUnsupported, "matmul: weight dtype {} is not a weight dtype", dtype_string(weight.dtype));
  }
  TESSERA_TRY(expect_tensor("matmul", "weight", weight, weight.dtype));
  TESSERA_TRY(expect_rank("matmul", "weight", weight, 2));
  TESSERA_TRY(expect_tensor("matmul", "x", x, TESSERA_DTYPE_F32));
  TESSERA_TRY(expect_tensor("matmul", "output", call.output, TESSERA_DTYPE_F32));
  if (row_length(x) != weight.shape[1]) {
    return make_error(ErrorCode::kInvalidArgument, "matmul: x {} rows must have {} elements to match weight {}",
                      shape_string(x), weight.shape[1], shape_string(weight));
  }
  if (row_count(call.output) != row_count(x) || row_length(call.output) != weight.shape[0]) {
    return make_error(ErrorCode::kInvalidArgument, "matmul: output {} must be [{}, {}]", shape_string(call.output),
                      row_count(x), weight.shape[0]);
  }
  return {};
}

}  // namespace tessera::ops

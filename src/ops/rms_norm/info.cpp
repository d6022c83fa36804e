#include "ops/rms_norm/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_rms_norm(const tessera_op_call& call) {
  TESSERA_TRY(expect_inputs(call, "rms_norm", 1, 2));
  TESSERA_TRY(expect_tensor("rms_norm", "x", call.inputs[0], TESSERA_DTYPE_F32));
  TESSERA_TRY(expect_tensor("rms_norm", "output", call.output, TESSERA_DTYPE_F32));
  if (!same_shape(call.inputs[0], call.output)) {
    return make_error(ErrorCode::kInvalidArgument, "rms_norm: output shape {} differs from x shape {}",
                      shape_string(call.output), shape_string(call.inputs[0]));
  }
  if (call.n_inputs == 2) {
    const tessera_tensor& weight = call.inputs[1];
    TESSERA_TRY(expect_tensor("rms_norm", "weight", weight, TESSERA_DTYPE_F32));
    if (row_count(weight) != 1 || row_length(weight) != row_length(call.inputs[0])) {
      return make_error(ErrorCode::kInvalidArgument, "rms_norm: weight {} must be [{}]", shape_string(weight),
                        row_length(call.inputs[0]));
    }
  }
  if (!(call.params.epsilon >= 0.0f)) {
    return make_error(ErrorCode::kInvalidArgument, "rms_norm: epsilon {} must be non-negative", call.params.epsilon);
  }
  return {};
}

}  // namespace tessera::ops

#include "ops/rope/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_rope(const tessera_op_call& call) {
  TESSERA_TRY(expect_inputs(call, "rope", 2, 2));
  const tessera_tensor& x = call.inputs[0];          // [m, n_head, head_dim]
  const tessera_tensor& positions = call.inputs[1];  // [m]
  TESSERA_TRY(expect_tensor("rope", "x", x, TESSERA_DTYPE_F32));
  TESSERA_TRY(expect_rank("rope", "x", x, 3));
  TESSERA_TRY(expect_tensor("rope", "positions", positions, TESSERA_DTYPE_I32));
  TESSERA_TRY(expect_rank("rope", "positions", positions, 1));
  TESSERA_TRY(expect_tensor("rope", "output", call.output, TESSERA_DTYPE_F32));
  if (!same_shape(x, call.output)) {
    return make_error(ErrorCode::kInvalidArgument, "rope: output shape {} differs from x shape {}",
                      shape_string(call.output), shape_string(x));
  }
  if (positions.shape[0] != x.shape[0]) {
    return make_error(ErrorCode::kInvalidArgument, "rope: positions {} must have one entry per row of x {}",
                      shape_string(positions), shape_string(x));
  }
  const tessera_rope_params& rope = call.params.rope;
  if (rope.mode != TESSERA_ROPE_NORMAL && rope.mode != TESSERA_ROPE_NEOX) {
    return make_error(ErrorCode::kInvalidArgument, "rope: unknown mode {}", rope.mode);
  }
  if (rope.n_rot <= 0 || rope.n_rot % 2 != 0 || rope.n_rot > x.shape[2]) {
    return make_error(ErrorCode::kInvalidArgument, "rope: n_rot {} must be even and within head_dim {}", rope.n_rot,
                      x.shape[2]);
  }
  if (!(rope.freq_base > 0.0f) || !(rope.freq_scale > 0.0f)) {
    return make_error(ErrorCode::kInvalidArgument, "rope: freq_base {} and freq_scale {} must be positive",
                      rope.freq_base, rope.freq_scale);
  }
  return {};
}

}  // namespace tessera::ops

// ROPE: rotates x F32 [m, n_head, head_dim] by position (positions I32 [m]); see tessera_rope_params.
// Pair i < n_rot/2 turns by theta_i = pos * freq_scale * freq_base^(-2i/n_rot) / freq_factors[i];
// NORMAL pairs (x[2i], x[2i+1]) (GGUF llama), NEOX pairs (x[i], x[i + n_rot/2]); dims past n_rot pass through.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_rope(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_rope.
Result<void> reference_rope(const tessera_op_call& call);

}  // namespace tessera::ops

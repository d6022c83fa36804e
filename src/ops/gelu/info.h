// GELU in the tanh form ggml uses: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_gelu(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_gelu.
Result<void> reference_gelu(const tessera_op_call& call);

}  // namespace tessera::ops

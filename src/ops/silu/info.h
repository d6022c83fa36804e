// SILU: out = x * sigmoid(x); x and out F32 of one shape.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_silu(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_silu.
Result<void> reference_silu(const tessera_op_call& call);

}  // namespace tessera::ops

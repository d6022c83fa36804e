// SWIGLU: out = silu(gate) * up; gate, up and out F32 [m, n].
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_swiglu(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_swiglu.
Result<void> reference_swiglu(const tessera_op_call& call);

}  // namespace tessera::ops

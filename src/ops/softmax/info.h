// SOFTMAX: out = softmax(x * params.scale) over the last dim; x and out F32 of one shape.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_softmax(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_softmax.
Result<void> reference_softmax(const tessera_op_call& call);

}  // namespace tessera::ops

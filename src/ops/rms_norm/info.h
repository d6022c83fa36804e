// RMS_NORM: out = x / sqrt(mean(x^2) + params.epsilon) * weight; x, out F32 [.., n], weight F32 [n] optional.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_rms_norm(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_rms_norm.
Result<void> reference_rms_norm(const tessera_op_call& call);

}  // namespace tessera::ops

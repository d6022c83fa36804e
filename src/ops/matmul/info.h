// MATMUL: out F32 [m, n_out] = x F32 [m, n_in] @ weight [n_out, n_in]^T, weight of any weight dtype.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_matmul(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_matmul.
Result<void> reference_matmul(const tessera_op_call& call);

}  // namespace tessera::ops

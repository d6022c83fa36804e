// GET_ROWS: out F32 [m, n] = rows ids I32 [m] of table [n_rows, n] (any weight dtype), dequantized.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_get_rows(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_get_rows.
Result<void> reference_get_rows(const tessera_op_call& call);

}  // namespace tessera::ops

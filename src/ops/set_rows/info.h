// SET_ROWS: writes rows F32 [m, n] into table F32|F16 [n_rows, n] (the output, in place) at rows ids I32 [m].
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_set_rows(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_set_rows.
Result<void> reference_set_rows(const tessera_op_call& call);

}  // namespace tessera::ops

// ADD: out = a + b; a [.., n], b [rows_b, n] broadcast over the rows of a (rows_b divides its rows).
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_add(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_add.
Result<void> reference_add(const tessera_op_call& call);

}  // namespace tessera::ops

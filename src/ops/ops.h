// The operator library: validation of an op call's shapes and dtypes, and the scalar reference
// implementations every backend is certified against (tests/conformance). Each op lives in
// src/ops/<op>/: info.h/.cpp validate it once, reference.cpp computes it on host tensors.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

// Checks the call's inputs, output and params against the op's definition (shapes, dtypes, ranks).
// Never reads tensor data, so it works on calls naming device memory.
Result<void> validate(const tessera_op_call& call);

// Validates, then computes the op with the reference implementation. All tensors must be host memory.
// Also checks the data-dependent indices (row ids, sequence ids, positions, block numbers).
Result<void> run_reference(const tessera_op_call& call);

}  // namespace tessera::ops

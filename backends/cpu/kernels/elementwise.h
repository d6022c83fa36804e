// Shared driver of the row-wise F32 kernels (add, mul, scale, silu, gelu, swiglu): checks and threading.
#pragma once

#include "cpu_backend.h"

namespace tessera::cpu {

// out = f(a, b) row by row; b [rows_b, n] broadcasts over a [rows, n] when rows_b divides rows.
// The function receives (out row, a row, b row or nullptr, n). Output may alias a.
using RowFunction = void (*)(float* out, const float* a, const float* b, int64_t n, const tessera_op_call& call);
tessera_status run_rows(Stream& stream, const tessera_op_call& call, const char* op, bool binary, bool broadcast,
                        RowFunction function, int64_t cost_per_element);

}  // namespace tessera::cpu

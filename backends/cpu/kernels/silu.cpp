// SILU: out = x * sigmoid(x).
#include <cmath>

#include "kernels/elementwise.h"
#include "kernels/fast_exp.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void silu_row(float* out, const float* x, const float*, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] / (1.0f + tessera_fast_exp(-x[i]));
}
}  // namespace

tessera_status kernel_silu(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "silu", false, false, silu_row, 8);
}

}  // namespace tessera::cpu

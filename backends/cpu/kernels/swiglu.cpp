// SWIGLU: out = silu(gate) * up, gate and up [m, n].
#include <cmath>

#include "kernels/elementwise.h"
#include "kernels/fast_exp.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void swiglu_row(float* out, const float* gate, const float* up, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) out[i] = gate[i] / (1.0f + tessera_fast_exp(-gate[i])) * up[i];
}
}  // namespace

tessera_status kernel_swiglu(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "swiglu", true, false, swiglu_row, 8);
}

}  // namespace tessera::cpu

// SWIGLU: out = silu(gate) * up, gate and up [m, n].
#include <cmath>

#include "kernels/activation_kernels.h"
#include "kernels/elementwise.h"
#include "kernels/fast_exp.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void swiglu_row(float* out, const float* gate, const float* up, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) out[i] = gate[i] / (1.0f + tessera_fast_exp(-gate[i])) * up[i];
}
void swiglu_row_avx2(float* out, const float* gate, const float* up, int64_t n, const tessera_op_call&) {
  avx2_activation_kernels()->swiglu(out, gate, up, n);
}
}  // namespace

tessera_status kernel_swiglu(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  const bool vector = stream.context->isa >= Isa::kAvx2 && avx2_activation_kernels() != nullptr;
  return run_rows(stream, *call, "swiglu", true, false, vector ? swiglu_row_avx2 : swiglu_row, 8);
}

}  // namespace tessera::cpu

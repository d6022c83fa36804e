// SILU: out = x * sigmoid(x).
#include <cmath>

#include "kernels/activation_kernels.h"
#include "kernels/elementwise.h"
#include "kernels/fast_exp.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void silu_row(float* out, const float* x, const float*, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] / (1.0f + tessera_fast_exp(-x[i]));
}
void silu_row_avx2(float* out, const float* x, const float*, int64_t n, const tessera_op_call&) {
  avx2_activation_kernels()->silu(out, x, n);
}
}  // namespace

tessera_status kernel_silu(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  const bool vector = stream.context->isa >= Isa::kAvx2 && avx2_activation_kernels() != nullptr;
  return run_rows(stream, *call, "silu", false, false, vector ? silu_row_avx2 : silu_row, 8);
}

}  // namespace tessera::cpu

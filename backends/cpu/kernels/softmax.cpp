// SOFTMAX over the last dim of x * scale.
#include <cmath>

#include "kernels/elementwise.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void softmax_row(float* out, const float* x, const float*, int64_t n, const tessera_op_call& call) {
  const float scale = call.params.scale;
  float max = -INFINITY;
  for (int64_t i = 0; i < n; ++i) max = std::fmax(max, x[i] * scale);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = std::exp(x[i] * scale - max);
    sum += out[i];
  }
  const float inverse = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; ++i) out[i] *= inverse;
}
}  // namespace

tessera_status kernel_softmax(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "softmax", false, false, softmax_row, 8);
}

}  // namespace tessera::cpu

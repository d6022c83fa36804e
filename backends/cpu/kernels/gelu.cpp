// GELU, tanh form as ggml: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
#include <cmath>

#include "kernels/elementwise.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
constexpr float kSqrtTwoOverPi = 0.79788456080286535587989211986876f;
constexpr float kGeluCoefficient = 0.044715f;

void gelu_row(float* out, const float* x, const float*, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) {
    const float value = x[i];
    out[i] = 0.5f * value * (1.0f + std::tanh(kSqrtTwoOverPi * value * (1.0f + kGeluCoefficient * value * value)));
  }
}
}  // namespace

tessera_status kernel_gelu(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "gelu", false, false, gelu_row, 8);
}

}  // namespace tessera::cpu

#include <cmath>

#include "ops/common.h"
#include "ops/rope/info.h"

namespace tessera::ops {

Result<void> reference_rope(const tessera_op_call& call) {
  const tessera_tensor& x = call.inputs[0];  // [m, n_head, head_dim]
  const auto* positions = static_cast<const std::int32_t*>(call.inputs[1].data);  // [m]
  const tessera_rope_params& rope = call.params.rope;
  const std::int64_t half = rope.n_rot / 2;
  const bool neox = rope.mode == TESSERA_ROPE_NEOX;
  for (std::int64_t t = 0; t < x.shape[0]; ++t) {
    for (std::int64_t h = 0; h < x.shape[1]; ++h) {
      const std::int64_t row = t * x.shape[1] + h;
      const float* in = reinterpret_cast<const float*>(row_pointer(x, row));
      float* out = reinterpret_cast<float*>(row_pointer(call.output, row));
      for (std::int64_t i = 0; i < half; ++i) {
        double theta = positions[t] * static_cast<double>(rope.freq_scale) *
                       std::pow(static_cast<double>(rope.freq_base), -2.0 * static_cast<double>(i) / rope.n_rot);
        if (rope.freq_factors != nullptr) theta /= rope.freq_factors[i];
        const std::int64_t first = neox ? i : 2 * i;
        const std::int64_t second = neox ? i + half : 2 * i + 1;
        const double a = in[first], b = in[second];
        out[first] = static_cast<float>(a * std::cos(theta) - b * std::sin(theta));
        out[second] = static_cast<float>(a * std::sin(theta) + b * std::cos(theta));
      }
      for (std::int64_t i = rope.n_rot; i < x.shape[2]; ++i) out[i] = in[i];
    }
  }
  return {};
}

}  // namespace tessera::ops

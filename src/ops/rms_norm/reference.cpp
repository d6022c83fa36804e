#include <cmath>

#include "ops/common.h"
#include "ops/rms_norm/info.h"

namespace tessera::ops {

Result<void> reference_rms_norm(const tessera_op_call& call) {
  const tessera_tensor& x = call.inputs[0];  // [rows, n]
  const float* weight = call.n_inputs == 2 ? static_cast<const float*>(call.inputs[1].data) : nullptr;  // [n]
  const std::int64_t n = row_length(x);
  for (std::int64_t row = 0; row < row_count(x); ++row) {
    const float* in = reinterpret_cast<const float*>(row_pointer(x, row));
    float* out = reinterpret_cast<float*>(row_pointer(call.output, row));
    double sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) sum += static_cast<double>(in[i]) * in[i];
    const double inverse = 1.0 / std::sqrt(sum / static_cast<double>(n) + call.params.epsilon);
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i] * inverse * (weight ? weight[i] : 1.0f));
  }
  return {};
}

}  // namespace tessera::ops

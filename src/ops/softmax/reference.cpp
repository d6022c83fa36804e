#include <cmath>
#include <vector>

#include "ops/common.h"
#include "ops/softmax/info.h"

namespace tessera::ops {

Result<void> reference_softmax(const tessera_op_call& call) {
  const tessera_tensor& x = call.inputs[0];  // [rows, n]
  const std::int64_t n = row_length(x);
  std::vector<double> values(static_cast<std::size_t>(n));
  for (std::int64_t row = 0; row < row_count(x); ++row) {
    const float* in = reinterpret_cast<const float*>(row_pointer(x, row));
    float* out = reinterpret_cast<float*>(row_pointer(call.output, row));
    double max = -INFINITY;
    for (std::int64_t i = 0; i < n; ++i) max = std::fmax(max, static_cast<double>(in[i]) * call.params.scale);
    double sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      values[static_cast<std::size_t>(i)] = std::exp(static_cast<double>(in[i]) * call.params.scale - max);
      sum += values[static_cast<std::size_t>(i)];
    }
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(values[static_cast<std::size_t>(i)] / sum);
  }
  return {};
}

}  // namespace tessera::ops

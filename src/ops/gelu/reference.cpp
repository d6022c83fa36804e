#include <cmath>
#include <numbers>

#include "ops/gelu/info.h"
#include "ops/common.h"

namespace tessera::ops {

Result<void> reference_gelu(const tessera_op_call& call) {
  const tessera_tensor& input = call.inputs[0];  // [rows, n]
  const std::int64_t n = row_length(input);
  for (std::int64_t row = 0; row < row_count(input); ++row) {
    const float* a = reinterpret_cast<const float*>(row_pointer(input, row));
    float* out = reinterpret_cast<float*>(row_pointer(call.output, row));
    for (std::int64_t i = 0; i < n; ++i) {
      const double x = a[i];
      out[i] = static_cast<float>(0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x))));
    }
  }
  return {};
}

}  // namespace tessera::ops

#include "ops/scale/info.h"
#include "ops/common.h"

namespace tessera::ops {

Result<void> reference_scale(const tessera_op_call& call) {
  const tessera_tensor& input = call.inputs[0];  // [rows, n]
  const std::int64_t n = row_length(input);
  for (std::int64_t row = 0; row < row_count(input); ++row) {
    const float* a = reinterpret_cast<const float*>(row_pointer(input, row));
    float* out = reinterpret_cast<float*>(row_pointer(call.output, row));
    for (std::int64_t i = 0; i < n; ++i) {
      out[i] = static_cast<float>(static_cast<double>(a[i]) * call.params.scale);
    }
  }
  return {};
}

}  // namespace tessera::ops

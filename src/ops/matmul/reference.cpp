#include <vector>

#include "ops/common.h"
#include "ops/matmul/info.h"
#include "tensor/quantize.h"

namespace tessera::ops {

// The exact product of the dequantized weight with the float activations, accumulated in double: no
// activation quantization, so backends that quantize activations differ by that error only.
Result<void> reference_matmul(const tessera_op_call& call) {
  const tessera_tensor& weight = call.inputs[0];  // [n_out, n_in]
  const tessera_tensor& x = call.inputs[1];       // [m, n_in]
  const std::int64_t n_out = weight.shape[0], n_in = weight.shape[1], m = row_count(x);
  std::vector<float> weight_row(static_cast<std::size_t>(n_in));
  for (std::int64_t o = 0; o < n_out; ++o) {
    TESSERA_TRY(dequantize_row(static_cast<DType>(weight.dtype), row_pointer(weight, o), weight_row.data(), n_in));
    for (std::int64_t row = 0; row < m; ++row) {
      const float* in = reinterpret_cast<const float*>(row_pointer(x, row));
      double sum = 0.0;
      for (std::int64_t i = 0; i < n_in; ++i) sum += static_cast<double>(weight_row[static_cast<std::size_t>(i)]) * in[i];
      reinterpret_cast<float*>(row_pointer(call.output, row))[o] = static_cast<float>(sum);
    }
  }
  return {};
}

}  // namespace tessera::ops

// MUL: out = a * b, b [rows_b, n] broadcast over the rows of a [.., n].
#include "kernels/elementwise.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void mul_row(float* out, const float* a, const float* b, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}
}  // namespace

tessera_status kernel_mul(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "mul", true, true, mul_row, 1);
}

}  // namespace tessera::cpu

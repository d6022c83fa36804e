// SCALE: out = a * params.scale.
#include "kernels/elementwise.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

namespace {
void scale_row(float* out, const float* a, const float*, int64_t n, const tessera_op_call& call) {
  const float scale = call.params.scale;
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * scale;
}
}  // namespace

tessera_status kernel_scale(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "scale", false, false, scale_row, 1);
}

}  // namespace tessera::cpu

// RoPE's rotation with the FMA instruction (kernels/rope_kernels.h).
#include "kernels/rope_kernels.h"

namespace {

void rotate(float* out, const float* in, const float* cosines, const float* sines, int64_t half, int neox) {
  for (int64_t i = 0; i < half; ++i) {
    const int64_t first = neox ? i : 2 * i;
    const int64_t second = neox ? i + half : 2 * i + 1;
    const float a = in[first], b = in[second];
    out[first] = __builtin_fmaf(a, cosines[i], -(b * sines[i]));
    out[second] = __builtin_fmaf(a, sines[i], b * cosines[i]);
  }
}

}  // namespace

namespace tessera::cpu {
tessera_rope_rotate_fn avx2_rope_rotate() {
  return rotate;
}
}  // namespace tessera::cpu

// The rotation step of RoPE per instruction-set level. Both levels compute each output with one fused
// multiply-add, so their bits agree; the AVX2 file gets the instruction instead of a libm call per value.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* For pair i < half: out[first] = fma(a, cos_i, -(b sin_i)), out[second] = fma(a, sin_i, b cos_i), where
   (a, b) = (in[first], in[second]) and the pair is (2i, 2i + 1), or (i, i + half) when neox is set. */
typedef void (*tessera_rope_rotate_fn)(float* out, const float* in, const float* cosines, const float* sines,
                                       int64_t half, int neox);

#ifdef __cplusplus
}
namespace tessera::cpu {
tessera_rope_rotate_fn avx2_rope_rotate();  // NULL when not compiled in
}
#endif

// SiLU and SwiGLU rows with AVX2 + FMA: tessera_fast_exp eight lanes at a time, step for step.
#include <immintrin.h>
#include <string.h>

#include "kernels/activation_kernels.h"
#include "kernels/fast_exp.h"

namespace {

// tessera_fast_exp on 8 lanes; lanes whose exponent needs ldexpf (|n| > 125, e.g. -x > 87) take
// the scalar path so that their bits stay identical.
inline __m256 exp8(__m256 x, const float* source, bool negate) {
  const __m256 shifter = _mm256_set1_ps(0x1.8p23f);
  const __m256 n = _mm256_sub_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), shifter), shifter);
  const __m256 magnitude = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
  if (_mm256_movemask_ps(_mm256_cmp_ps(magnitude, _mm256_set1_ps(125.0f), _CMP_GT_OQ)) != 0) {
    float lanes[8];
    for (int i = 0; i < 8; ++i) lanes[i] = tessera_fast_exp(negate ? -source[i] : source[i]);
    return _mm256_loadu_ps(lanes);
  }
  const __m256 minus_n = _mm256_sub_ps(_mm256_setzero_ps(), n);
  const __m256 b = _mm256_fmadd_ps(minus_n, _mm256_set1_ps(0x1.7f7d1cp-20f),
                                   _mm256_fmadd_ps(minus_n, _mm256_set1_ps(0x1.62e4p-1f), x));
  const __m256 b2 = _mm256_mul_ps(b, b);
  const __m256 high = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), b2,
                                      _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f)));
  const __m256 polynomial = _mm256_fmadd_ps(high, b2, _mm256_fmadd_ps(_mm256_set1_ps(0x1.ffffecp-1f), b, _mm256_set1_ps(1.0f)));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(polynomial, _mm256_castsi256_ps(bits));
}

inline __m256 silu8(const float* x) {
  const __m256 value = _mm256_loadu_ps(x);
  const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), value), x, true);
  return _mm256_div_ps(value, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

void silu(float* out, const float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, silu8(x + i));
  for (; i < n; ++i) out[i] = x[i] / (1.0f + tessera_fast_exp(-x[i]));
}

void swiglu(float* out, const float* gate, const float* up, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_mul_ps(silu8(gate + i), _mm256_loadu_ps(up + i)));
  for (; i < n; ++i) out[i] = gate[i] / (1.0f + tessera_fast_exp(-gate[i])) * up[i];
}

const tessera_activation_kernels kActivationKernels = {silu, swiglu};

}  // namespace

namespace tessera::cpu {
const tessera_activation_kernels* avx2_activation_kernels() { return &kActivationKernels; }
}  // namespace tessera::cpu

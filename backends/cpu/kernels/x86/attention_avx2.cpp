// AVX2 + FMA + F16C inner loops of attention: dot products with K rows and V accumulation, F32 or F16.
#include <immintrin.h>

#include "kernels/attention_kernels.h"
#include "kernels/fast_exp.h"

namespace tessera::cpu {

namespace {

float horizontal_sum(__m256 value) {
  __m128 sum = _mm_add_ps(_mm256_castps256_ps128(value), _mm256_extractf128_ps(value, 1));
  sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
  sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
  return _mm_cvtss_f32(sum);
}

// Converts 8 halves at an unaligned address.
__m256 load_half8(const uint16_t* source) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(source)));
}

float half_scalar(uint16_t value) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(value))));
}

float avx2_dot_f32(const float* q, const void* k, int64_t n) {
  const float* key = static_cast<const float*>(k);
  __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(key + i), sum0);
    sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_loadu_ps(key + i + 8), sum1);
  }
  for (; i + 8 <= n; i += 8) sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(key + i), sum0);
  float sum = horizontal_sum(_mm256_add_ps(sum0, sum1));
  for (; i < n; ++i) sum += q[i] * key[i];
  return sum;
}

// Sums lanes (l, l + 8) of a 16-lane accumulator held as two halves, then pairwise down to one.
float sum_sixteen_lanes(__m256 low, __m256 high) { return horizontal_sum(_mm256_add_ps(low, high)); }

float avx2_dot_f16_sixteen_lanes(const float* q, const void* k, int64_t n) {
  const uint16_t* key = static_cast<const uint16_t*>(k);
  __m256 low = _mm256_setzero_ps(), high = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    low = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load_half8(key + i), low);
    high = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), load_half8(key + i + 8), high);
  }
  if (i < n) {
    alignas(32) float lanes[16];
    _mm256_store_ps(lanes, low);
    _mm256_store_ps(lanes + 8, high);
    for (; i < n; ++i) lanes[i % 16] += q[i] * half_scalar(key[i]);
    low = _mm256_load_ps(lanes);
    high = _mm256_load_ps(lanes + 8);
  }
  return sum_sixteen_lanes(low, high);
}

float avx2_dot_f16_four_accumulators(const float* q, const void* k, int64_t n) {
  const uint16_t* key = static_cast<const uint16_t*>(k);
  // Accumulator a is halves[2a] (lanes 0..7) and halves[2a + 1] (lanes 8..15).
  __m256 halves[8];
  for (auto& half : halves) half = _mm256_setzero_ps();
  const int64_t blocked = n / 64 * 64;
  for (int64_t i = 0; i < blocked; i += 64) {
    for (int h = 0; h < 8; ++h) {
      halves[h] = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8 * h), load_half8(key + i + 8 * h), halves[h]);
    }
  }
  const __m256 low = _mm256_add_ps(_mm256_add_ps(halves[0], halves[4]), _mm256_add_ps(halves[2], halves[6]));
  const __m256 high = _mm256_add_ps(_mm256_add_ps(halves[1], halves[5]), _mm256_add_ps(halves[3], halves[7]));
  double sum = sum_sixteen_lanes(low, high);
  for (int64_t i = blocked; i < n; ++i) sum += static_cast<double>(q[i] * half_scalar(key[i]));
  return static_cast<float>(sum);
}

void avx2_axpy_f32(float* accumulator, float weight, const void* v, int64_t n) {
  const float* value = static_cast<const float*>(v);
  const __m256 w = _mm256_set1_ps(weight);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(accumulator + i, _mm256_fmadd_ps(w, _mm256_loadu_ps(value + i), _mm256_loadu_ps(accumulator + i)));
  }
  for (; i < n; ++i) accumulator[i] += weight * value[i];
}

void avx2_axpy_f16(float* accumulator, float weight, const void* v, int64_t n) {
  const uint16_t* value = static_cast<const uint16_t*>(v);
  const __m256 w = _mm256_set1_ps(weight);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(accumulator + i, _mm256_fmadd_ps(w, load_half8(value + i), _mm256_loadu_ps(accumulator + i)));
  }
  for (; i < n; ++i) accumulator[i] += weight * half_scalar(value[i]);
}

// tessera_fast_exp of 8 values; those below -87 (where 2^n is not a normal float) take the scalar path.
__m256 softmax_exp8(__m256 x) {
  const __m256 shifter = _mm256_set1_ps(0x1.8p23f);
  const __m256 n = _mm256_sub_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), shifter), shifter);
  const __m256 outside = _mm256_or_ps(_mm256_cmp_ps(n, _mm256_set1_ps(-125.0f), _CMP_LT_OQ),
                                      _mm256_cmp_ps(n, _mm256_set1_ps(125.0f), _CMP_GT_OQ));
  if (_mm256_movemask_ps(outside) != 0) {
    alignas(32) float values[8];
    _mm256_store_ps(values, x);
    for (float& value : values) value = tessera_fast_exp(value);
    return _mm256_load_ps(values);
  }
  const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f), _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
  const __m256 b2 = _mm256_mul_ps(b, b);
  const __m256 polynomial = _mm256_fmadd_ps(
      _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), b2,
                      _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f))),
      b2, _mm256_fmadd_ps(_mm256_set1_ps(0x1.ffffecp-1f), b, _mm256_set1_ps(1.0f)));
  // 2^n as a float built from its exponent bits: exact, so the product rounds as ldexpf does.
  const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(polynomial, _mm256_castsi256_ps(exponent));
}

double avx2_exp_sum(float* x, int64_t n, float max) {
  const __m256 shift = _mm256_set1_ps(max);
  double sum = 0.0;
  int64_t start = 0;
  for (; start + 16 <= n; start += 16) {
    const __m256 low = softmax_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + start), shift));
    const __m256 high = softmax_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + start + 8), shift));
    _mm256_storeu_ps(x + start, low);
    _mm256_storeu_ps(x + start + 8, high);
    sum += sum_sixteen_lanes(low, high);
  }
  if (start < n) {
    alignas(32) float lanes[16] = {};
    for (int64_t l = 0; start + l < n; ++l) lanes[l] = x[start + l] = tessera_fast_exp(x[start + l] - max);
    sum += sum_sixteen_lanes(_mm256_load_ps(lanes), _mm256_load_ps(lanes + 8));
  }
  return sum;
}

const tessera_attention_kernels kAvx2Attention = {avx2_dot_f32, avx2_dot_f16_sixteen_lanes, avx2_dot_f16_four_accumulators,
                                                  avx2_axpy_f32, avx2_axpy_f16, avx2_exp_sum};

}  // namespace

const tessera_attention_kernels* avx2_attention_kernels() { return &kAvx2Attention; }

}  // namespace tessera::cpu

// AVX2 + FMA + F16C inner loops of attention: dot products with K rows and V accumulation, F32 or F16.
#include <immintrin.h>

#include "kernels/attention_kernels.h"

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

float avx2_dot_f16(const float* q, const void* k, int64_t n) {
  const uint16_t* key = static_cast<const uint16_t*>(k);
  __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load_half8(key + i), sum0);
    sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), load_half8(key + i + 8), sum1);
  }
  for (; i + 8 <= n; i += 8) sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load_half8(key + i), sum0);
  float sum = horizontal_sum(_mm256_add_ps(sum0, sum1));
  for (; i < n; ++i) sum += q[i] * half_scalar(key[i]);
  return sum;
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

const tessera_attention_kernels kAvx2Attention = {avx2_dot_f32, avx2_dot_f16, avx2_axpy_f32, avx2_axpy_f16};

}  // namespace

const tessera_attention_kernels* avx2_attention_kernels() { return &kAvx2Attention; }

}  // namespace tessera::cpu

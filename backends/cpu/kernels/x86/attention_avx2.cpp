// AVX2 + FMA + F16C inner loops of attention: dot products with K rows and V accumulation, F32 or F16.
#include <immintrin.h>

#include <math.h>

#include "kernels/attention_kernels.h"
#include "kernels/fast_exp.h"

namespace tessera::cpu {

namespace {

#include "kernels/x86/sixteen_lanes_avx2.inc"

// fmax without the library call GCC emits for it: a NaN argument gives the other one. (Which zero two
// zeros give does not matter: the maximum is only subtracted from scores before exp.)
float larger(float a, float b) {
  return b > a || a != a ? b : a;
}

float half_scalar(uint16_t value) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(value))));
}

float half_to_float(const char* row, int64_t i) {
  return half_scalar(reinterpret_cast<const uint16_t*>(row)[i]);
}
float single_to_float(const char* row, int64_t i) {
  return reinterpret_cast<const float*>(row)[i];
}
__m256 load_half8_at(const char* row, int64_t i) {
  return load_half8(reinterpret_cast<const uint16_t*>(row) + i);
}
__m256 load_single8_at(const char* row, int64_t i) {
  return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + i);
}

float dot_f32(const float* q, const char* row, int64_t n) {
  const float* key = reinterpret_cast<const float*>(row);
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

float dot_f16_sixteen_lanes(const float* q, const char* row, int64_t n) {
  const uint16_t* key = reinterpret_cast<const uint16_t*>(row);
  __m256 low = _mm256_setzero_ps(), high = _mm256_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    low = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load_half8(key + i), low);
    high = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), load_half8(key + i + 8), high);
  }
  return sum_sixteen_lanes(low, high);
}

float dot_f16_four_accumulators(const float* q, const char* row, int64_t n) {
  const uint16_t* key = reinterpret_cast<const uint16_t*>(row);
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

// Rows are reached through the block table, so the hardware prefetchers see no stream, and in decode the
// caches of all layers outgrow L2: each row is asked for this many rows ahead of its use.
constexpr int64_t kPrefetchRows = 32;

void prefetch_row(const char* row, int64_t bytes) {
  for (int64_t line = 0; line < bytes; line += 64) _mm_prefetch(row + line, _MM_HINT_T0);
}

template <float (*dot)(const float*, const char*, int64_t), int64_t element_bytes>
float scores_by_row(const float* query, const char* base, const int64_t* offsets, int64_t n_rows,
                    int64_t head_dim, float scale, float* scores) {
  float max = -INFINITY;
  for (int64_t j = 0; j < n_rows; ++j) {
    if (j + kPrefetchRows < n_rows) prefetch_row(base + offsets[j + kPrefetchRows], head_dim * element_bytes);
    scores[j] = dot(query, base + offsets[j], head_dim) * scale;
    max = larger(max, scores[j]);
  }
  return max;
}

// Four keys at a time share each load of the query; head_dim is a multiple of 16.
float scores_f16_sixteen_lanes(const float* query, const char* base, const int64_t* offsets, int64_t n_rows,
                               int64_t head_dim, float scale, float* scores) {
  const __m128 scale4 = _mm_set1_ps(scale);
  __m128 max4 = _mm_set1_ps(-INFINITY);
  int64_t j = 0;
  for (; j + 4 <= n_rows; j += 4) {
    const uint16_t* keys[4];
    for (int r = 0; r < 4; ++r) keys[r] = reinterpret_cast<const uint16_t*>(base + offsets[j + r]);
    __m256 low[4], high[4];
    for (int r = 0; r < 4; ++r) low[r] = high[r] = _mm256_setzero_ps();
    for (int64_t i = 0; i < head_dim; i += 16) {
      const __m256 query_low = _mm256_loadu_ps(query + i), query_high = _mm256_loadu_ps(query + i + 8);
      for (int r = 0; r < 4; ++r) {
        low[r] = _mm256_fmadd_ps(query_low, load_half8(keys[r] + i), low[r]);
        high[r] = _mm256_fmadd_ps(query_high, load_half8(keys[r] + i + 8), high[r]);
      }
    }
    const __m128 sums = _mm_mul_ps(sum_sixteen_lanes4(low, high), scale4);
    _mm_storeu_ps(scores + j, sums);
    max4 = _mm_max_ps(sums, max4);  // keeps the running maximum when a score is NaN, as fmax does
  }
  alignas(16) float maxima[4];
  _mm_store_ps(maxima, max4);
  float max = larger(larger(maxima[0], maxima[1]), larger(maxima[2], maxima[3]));
  for (; j < n_rows; ++j) {
    scores[j] = dot_f16_sixteen_lanes(query, base + offsets[j], head_dim) * scale;
    max = larger(max, scores[j]);
  }
  return max;
}

// A lane row's rows from the kRowsAheadInLane-th on are fetched that many of its rows ahead of their use.
constexpr int64_t kRowsAheadInLane = 4;

// Dimensions [first, first + 8 * vectors) of accumulator row r, held in registers over all its rows j;
// with prefetch_bytes > 0, fetches that much of each row kRowsAheadInLane rows ahead in the lane row.
template <__m256 (*load8)(const char*, int64_t), int vectors>
void accumulate_dimensions(float* accumulator, int64_t r, int64_t lane_rows, const float* weights,
                           const char* base, const int64_t* offsets, int64_t n_rows, int64_t first,
                           int64_t prefetch_bytes) {
  __m256 sums[vectors];
  for (auto& sum : sums) sum = _mm256_setzero_ps();
  for (int64_t j = r; j < n_rows; j += lane_rows) {
    if (prefetch_bytes > 0 && j + kRowsAheadInLane * lane_rows < n_rows)
      prefetch_row(base + offsets[j + kRowsAheadInLane * lane_rows], prefetch_bytes);
    const __m256 weight = _mm256_set1_ps(weights[j]);
    const char* row = base + offsets[j];
    for (int v = 0; v < vectors; ++v) sums[v] = _mm256_fmadd_ps(weight, load8(row, first + 8 * v), sums[v]);
  }
  for (int v = 0; v < vectors; ++v) _mm256_storeu_ps(accumulator + first + 8 * v, sums[v]);
}

template <__m256 (*load8)(const char*, int64_t), float (*load1)(const char*, int64_t), int64_t element_bytes>
void accumulate(float* accumulators, int64_t stride, int64_t lane_rows, const float* weights,
                const char* base, const int64_t* offsets, int64_t n_rows, int64_t head_dim) {
  // Lane row r reads rows r, r + lane_rows, ...: with many lane rows (llama.cpp's single-token order)
  // the first kRowsAheadInLane rows of lane row r + kPrefetchRows are fetched meanwhile, the later ones as
  // the lane row goes. With 16 lane rows (a prompt's order, and a single token's in the block order)
  // prefetching measured slower in prompts at AVX2, where each query of a block runs this over rows the
  // previous one brought in; with one lane row the rows come in order.
  const int64_t ahead = lane_rows > kPrefetchRows ? kPrefetchRows : 0;
  const int64_t row_bytes = ahead > 0 ? head_dim * element_bytes : 0;
  for (int64_t r = 0; r < lane_rows && r < n_rows; ++r) {
    if (ahead > 0 && r + ahead < lane_rows) {
      for (int64_t j = r + ahead, k = 0; j < n_rows && k < kRowsAheadInLane; j += lane_rows, ++k)
        prefetch_row(base + offsets[j], row_bytes);
    }
    float* accumulator = accumulators + r * stride;
    int64_t i = 0;
    for (; i + 64 <= head_dim; i += 64) {
      accumulate_dimensions<load8, 8>(accumulator, r, lane_rows, weights, base, offsets, n_rows, i,
                                      i == 0 ? row_bytes : 0);
    }
    for (; i + 8 <= head_dim; i += 8) {
      accumulate_dimensions<load8, 1>(accumulator, r, lane_rows, weights, base, offsets, n_rows, i,
                                      i == 0 ? row_bytes : 0);
    }
    for (; i < head_dim; ++i) {
      float sum = 0.0f;
      for (int64_t j = r; j < n_rows; j += lane_rows) sum += weights[j] * load1(base + offsets[j], i);
      accumulator[i] = sum;
    }
  }
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
  const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f),
                                    _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
  const __m256 b2 = _mm256_mul_ps(b, b);
  const __m256 polynomial = _mm256_fmadd_ps(
      _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), b2,
                      _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f))),
      b2, _mm256_fmadd_ps(_mm256_set1_ps(0x1.ffffecp-1f), b, _mm256_set1_ps(1.0f)));
  // 2^n as a float built from its exponent bits: exact, so the product rounds as ldexpf does.
  const __m256i exponent =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
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

void round_to_f16(float* target, const float* source, int64_t n, float factor) {
  const __m256 factor8 = _mm256_set1_ps(factor);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i halves =
        _mm256_cvtps_ph(_mm256_mul_ps(_mm256_loadu_ps(source + i), factor8), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_ps(target + i, _mm256_cvtph_ps(halves));
  }
  for (; i < n; ++i) {
    const __m128i half = _mm_cvtps_ph(_mm_set_ss(source[i] * factor), _MM_FROUND_TO_NEAREST_INT);
    target[i] = _mm_cvtss_f32(_mm_cvtph_ps(half));
  }
}

float max_value(const float* x, int64_t n) {
  __m256 max8 = _mm256_set1_ps(-INFINITY);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) max8 = _mm256_max_ps(_mm256_loadu_ps(x + i), max8);  // NaN keeps max8
  alignas(32) float maxima[8];
  _mm256_store_ps(maxima, max8);
  float max = -INFINITY;
  for (float value : maxima) max = larger(max, value);
  for (; i < n; ++i) max = larger(max, x[i]);
  return max;
}

// The one-query kernels; the block kernels come from attention_blocks_avx2.cpp.
const tessera_attention_kernels kAvx2RowAttention = {scores_by_row<dot_f32, 4>,
                                                     scores_f16_sixteen_lanes,
                                                     scores_by_row<dot_f16_four_accumulators, 2>,
                                                     accumulate<load_single8_at, single_to_float, 4>,
                                                     accumulate<load_half8_at, half_to_float, 2>,
                                                     avx2_exp_sum,
                                                     round_to_f16,
                                                     max_value,
                                                     nullptr,
                                                     nullptr};

}  // namespace

const tessera_attention_kernels* avx2_attention_kernels() {
  static const tessera_attention_kernels kernels = [] {
    tessera_attention_kernels table = kAvx2RowAttention;
    table.scores_f16_block = avx2_scores_f16_block();
    table.accumulate_f16_block = avx2_accumulate_f16_block();
    return table;
  }();
  return &kernels;
}

}  // namespace tessera::cpu

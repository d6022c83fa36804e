// AVX2 inner loops of attention for blocks of queries that share a KV head (F16 cache): each 8 F16
// values of a key or value row are converted once for a tile of up to four queries. One query at a
// time, a conversion goes with every multiply-add, and the conversions (two micro-ops each on the Xeon
// here, one of them on a multiply-add port) bound the loop. Orders as in kernels/attention_kernels.h:
// the same bits as the one-query kernels.
#include <immintrin.h>

#include <type_traits>

#include "kernels/attention_kernels.h"

namespace tessera::cpu {

namespace {

#include "kernels/x86/query_tiles.inc"

#include "kernels/x86/sixteen_lanes_avx2.inc"

__m256 load_half8_at(const char* row, int64_t first) {
  return load_half8(reinterpret_cast<const uint16_t*>(row) + first);
}

// scores[q][j] for Q queries and key j: low[q] / high[q] are lanes 0..7 / 8..15 of the pair's sixteen-lane
// sum. Two conversions per 16 dimensions serve 2 * Q multiply-adds; the queries are read from memory
// (L1: a tile's four queries are 1 KiB at head_dim 64), which leaves registers for the sums.
template <int Q>
void scores_key(const float* queries, int64_t query_stride, const char* key, int64_t j, int64_t head_dim,
                float scale, float* scores, int64_t scores_stride) {
  __m256 low[4], high[4];
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) low[q] = high[q] = _mm256_setzero_ps();
  for (int64_t i = 0; i < head_dim; i += 16) {
    const __m256 key_low = load_half8_at(key, i), key_high = load_half8_at(key, i + 8);
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) {
      const float* query = queries + q * query_stride + i;
      low[q] = _mm256_fmadd_ps(_mm256_loadu_ps(query), key_low, low[q]);
      high[q] = _mm256_fmadd_ps(_mm256_loadu_ps(query + 8), key_high, high[q]);
    }
  }
  // Unused pairs sum zeros; their lanes are not stored.
  alignas(16) float sums[4];
  _mm_store_ps(sums, _mm_mul_ps(sum_sixteen_lanes4(low, high), _mm_set1_ps(scale)));
#pragma GCC unroll 4
  for (int q = 0; q < Q; ++q) scores[q * scores_stride + j] = sums[q];
}

void scores_f16_block(const float* queries, int64_t query_stride, int64_t n_queries, const char* base,
                      const int64_t* offsets, int64_t n_keys, int64_t head_dim, float scale, float* scores,
                      int64_t scores_stride) {
  for_each_query_tile(n_queries, [&](int64_t first, auto tile) {
    for (int64_t j = 0; j < n_keys; ++j) {
      scores_key<decltype(tile)::value>(queries + first * query_stride, query_stride, base + offsets[j], j,
                                        head_dim, scale, scores + first * scores_stride, scores_stride);
    }
  });
}

// Lane row r, dimensions [first, first + 16), of Q queries: rows j = r, r + 16, ... below every query's
// n_rows together, then each query's remaining rows alone. lanes[q] is the query's [16][head_dim].
template <int Q>
void accumulate_lane_row(float* const* lanes, const float* weights, int64_t weights_stride,
                         const int64_t* n_rows, int64_t shared_rows, const char* base, const int64_t* offsets,
                         int64_t r, int64_t first, int64_t head_dim) {
  // Loops over q are unrolled so that the sums stay in registers: 2 * Q sums, 2 values, 1 weight.
  __m256 low[Q], high[Q];
#pragma GCC unroll 4
  for (int q = 0; q < Q; ++q) low[q] = high[q] = _mm256_setzero_ps();
  int64_t j = r;
  for (; j < shared_rows; j += kLaneRows) {
    const char* row = base + offsets[j];
    const __m256 value_low = load_half8_at(row, first), value_high = load_half8_at(row, first + 8);
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) {
      const __m256 weight = _mm256_broadcast_ss(weights + q * weights_stride + j);
      low[q] = _mm256_fmadd_ps(weight, value_low, low[q]);
      high[q] = _mm256_fmadd_ps(weight, value_high, high[q]);
    }
  }
#pragma GCC unroll 4
  for (int q = 0; q < Q; ++q) {
    for (int64_t tail = j; tail < n_rows[q]; tail += kLaneRows) {
      const char* row = base + offsets[tail];
      const __m256 weight = _mm256_broadcast_ss(weights + q * weights_stride + tail);
      low[q] = _mm256_fmadd_ps(weight, load_half8_at(row, first), low[q]);
      high[q] = _mm256_fmadd_ps(weight, load_half8_at(row, first + 8), high[q]);
    }
    float* lane = lanes[q] + r * head_dim + first;
    _mm256_storeu_ps(lane, low[q]);
    _mm256_storeu_ps(lane + 8, high[q]);
  }
}

template <int Q>
void accumulate_tile(float* const* outputs, const float* weights, int64_t weights_stride,
                     const int64_t* n_rows, const char* base, const int64_t* offsets, int64_t head_dim,
                     float* lane_scratch) {
  float* lanes[Q];
  int64_t shared_rows = n_rows[0];
  for (int q = 0; q < Q; ++q) {
    lanes[q] = lane_scratch + int64_t{q} * kLaneRows * head_dim;
    if (n_rows[q] < shared_rows) shared_rows = n_rows[q];
  }
  for (int64_t r = 0; r < kLaneRows; ++r) {
    for (int64_t first = 0; first < head_dim; first += 16) {
      accumulate_lane_row<Q>(lanes, weights, weights_stride, n_rows, shared_rows, base, offsets, r, first,
                             head_dim);
    }
  }
  for (int q = 0; q < Q; ++q) sum_tile_lane_rows(lanes[q], head_dim, outputs[q]);
}

void accumulate_f16_block(float* const* outputs, const float* weights, int64_t weights_stride,
                          const int64_t* n_rows, int64_t n_queries, const char* base, const int64_t* offsets,
                          int64_t head_dim, float* lanes) {
  for_each_query_tile(n_queries, [&](int64_t first, auto tile) {
    accumulate_tile<decltype(tile)::value>(outputs + first, weights + first * weights_stride, weights_stride,
                                           n_rows + first, base, offsets, head_dim, lanes);
  });
}

}  // namespace

tessera_attention_scores_block avx2_scores_f16_block() {
  return scores_f16_block;
}

tessera_attention_accumulate_block avx2_accumulate_f16_block() {
  return accumulate_f16_block;
}

}  // namespace tessera::cpu

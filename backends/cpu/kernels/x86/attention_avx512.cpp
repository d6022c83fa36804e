// AVX-512 inner loops of attention for blocks of queries that share a KV head (F16 cache): each F16 key
// or value row is converted once for a tile of up to four queries, so the loops run on FMAs instead of
// conversions. Orders as in kernels/attention_kernels.h; the other kernels are the AVX2 ones.
#include <immintrin.h>

#include <type_traits>

#include "kernels/attention_kernels.h"

namespace tessera::cpu {

namespace {

#include "kernels/x86/query_tiles.inc"

// 16 F16 values from row + 2 * first, as floats. The zero-masked form: GCC 12's plain _mm512_cvtph_ps
// warns of its own undefined operand.
__m512 load_half16(const char* row, int64_t first) {
  return _mm512_maskz_cvtph_ps(0xFFFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * first)));
}

// Sums lanes (l, l + 8), (l, l + 4), (l, l + 2), (0, 1).
float sum_sixteen_lanes(__m512 x) {
  const __m256 eight =
      _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, x, 0), _mm512_maskz_extractf32x8_ps(0xFF, x, 1));
  __m128 four = _mm_add_ps(_mm256_castps256_ps128(eight), _mm256_extractf128_ps(eight, 1));
  four = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(_mm_add_ss(four, _mm_movehdup_ps(four)));
}

// (The zero-masked forms of shuffles and extracts: GCC 12 warns of the undefined operand of the plain ones.)
// The same sums for sixteen accumulators at once, each step adding the same pairs of lanes as
// sum_sixteen_lanes, gathered across accumulators. Lane 4 * (a % 4) + a / 4 of the result holds the
// sum of sums[a].
// Fully unrolled and inlined, so that the accumulators stay in registers.
__attribute__((always_inline)) inline __m512 sum_sixteen_lanes16(const __m512 (&sums)[16]) {
  __m512 eight[8];  // [a: l + (l + 8) | a + 1: l + (l + 8)] for a = 2i
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) {
    const __m512 a = sums[2 * i], b = sums[2 * i + 1];
    eight[i] = _mm512_add_ps(_mm512_maskz_shuffle_f32x4(0xFFFF, a, b, _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_maskz_shuffle_f32x4(0xFFFF, a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  __m512 four[4];  // quarter c: accumulator 4i + c, lanes l + (l + 4)
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    const __m512 p = eight[2 * i], q = eight[2 * i + 1];
    four[i] = _mm512_add_ps(_mm512_maskz_shuffle_f32x4(0xFFFF, p, q, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_maskz_shuffle_f32x4(0xFFFF, p, q, _MM_SHUFFLE(3, 1, 3, 1)));
  }
  __m512 two[2];  // quarter c: [accumulator 8i + c, lanes l + (l + 2) | accumulator 8i + 4 + c, the same]
#pragma GCC unroll 2
  for (int i = 0; i < 2; ++i) {
    const __m512 r = four[2 * i], s = four[2 * i + 1];
    two[i] = _mm512_add_ps(_mm512_shuffle_ps(r, s, _MM_SHUFFLE(1, 0, 1, 0)),
                           _mm512_shuffle_ps(r, s, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  // quarter c: accumulators c, c + 4, c + 8, c + 12, lanes 0 + 1
  return _mm512_add_ps(_mm512_shuffle_ps(two[0], two[1], _MM_SHUFFLE(2, 0, 2, 0)),
                       _mm512_shuffle_ps(two[0], two[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

// scores[q][j + k] for Q queries and K keys from j; sums[k * 4 + q] is the pair's sixteen-lane sum.
template <int Q, int K>
void scores_tile(const float* queries, int64_t query_stride, const char* base, const int64_t* offsets,
                 int64_t j, int64_t head_dim, float scale, float* scores, int64_t scores_stride) {
  const char* keys[K];
  for (int k = 0; k < K; ++k) keys[k] = base + offsets[j + k];
  __m512 sums[16];
#pragma GCC unroll 16
  for (int a = 0; a < 16; ++a) sums[a] = _mm512_setzero_ps();
  for (int64_t i = 0; i < head_dim; i += 16) {
    __m512 key[K];
#pragma GCC unroll 4
    for (int k = 0; k < K; ++k) key[k] = load_half16(keys[k], i);
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) {
      const __m512 query = _mm512_loadu_ps(queries + q * query_stride + i);
#pragma GCC unroll 4
      for (int k = 0; k < K; ++k) sums[k * 4 + q] = _mm512_fmadd_ps(query, key[k], sums[k * 4 + q]);
    }
  }
  if constexpr (Q == 4 && K == 4) {
    // Quarter q holds keys j..j + 3 of query q.
    const __m512 scaled = _mm512_mul_ps(sum_sixteen_lanes16(sums), _mm512_set1_ps(scale));
    alignas(64) float values[16];
    _mm512_store_ps(values, scaled);
    for (int q = 0; q < 4; ++q) {
      _mm_storeu_ps(scores + q * scores_stride + j, _mm_load_ps(values + 4 * q));
    }
  } else {
    for (int q = 0; q < Q; ++q) {
      for (int k = 0; k < K; ++k)
        scores[q * scores_stride + j + k] = sum_sixteen_lanes(sums[k * 4 + q]) * scale;
    }
  }
}

template <int Q>
void scores_queries(const float* queries, int64_t query_stride, const char* base, const int64_t* offsets,
                    int64_t n_keys, int64_t head_dim, float scale, float* scores, int64_t scores_stride) {
  int64_t j = 0;
  for (; j + 4 <= n_keys; j += 4)
    scores_tile<Q, 4>(queries, query_stride, base, offsets, j, head_dim, scale, scores, scores_stride);
  for (; j < n_keys; ++j)
    scores_tile<Q, 1>(queries, query_stride, base, offsets, j, head_dim, scale, scores, scores_stride);
}

void scores_f16_block(const float* queries, int64_t query_stride, int64_t n_queries, const char* base,
                      const int64_t* offsets, int64_t n_keys, int64_t head_dim, float scale, float* scores,
                      int64_t scores_stride) {
  for_each_query_tile(n_queries, [&](int64_t first, auto tile) {
    scores_queries<decltype(tile)::value>(queries + first * query_stride, query_stride, base, offsets, n_keys,
                                          head_dim, scale, scores + first * scores_stride, scores_stride);
  });
}

// Lane row r, dimensions [first, first + 16 * V), of Q queries: rows j = r, r + 16, ... below every
// query's n_rows together, then each query's remaining rows alone. lanes[q] is the query's [16][head_dim].
template <int Q, int V>
void accumulate_lane_row(float* const* lanes, const float* weights, int64_t weights_stride,
                         const int64_t* n_rows, int64_t shared_rows, const char* base, const int64_t* offsets,
                         int64_t r, int64_t first, int64_t head_dim) {
  // Loops over q and v are unrolled so that the sums stay in registers.
  __m512 sums[Q][V];
#pragma GCC unroll 4
  for (int q = 0; q < Q; ++q) {
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) sums[q][v] = _mm512_setzero_ps();
  }
  int64_t j = r;
  for (; j < shared_rows; j += kLaneRows) {
    const char* row = base + offsets[j];
    __m512 values[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) values[v] = load_half16(row, first + 16 * v);
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) {
      const __m512 weight = _mm512_set1_ps(weights[q * weights_stride + j]);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) sums[q][v] = _mm512_fmadd_ps(weight, values[v], sums[q][v]);
    }
  }
#pragma GCC unroll 4
  for (int q = 0; q < Q; ++q) {
    for (int64_t tail = j; tail < n_rows[q]; tail += kLaneRows) {
      const char* row = base + offsets[tail];
      const __m512 weight = _mm512_set1_ps(weights[q * weights_stride + tail]);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v)
        sums[q][v] = _mm512_fmadd_ps(weight, load_half16(row, first + 16 * v), sums[q][v]);
    }
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) _mm512_storeu_ps(lanes[q] + r * head_dim + first + 16 * v, sums[q][v]);
  }
}

template <int Q>
void accumulate_tile(float* const* outputs, const float* weights, int64_t weights_stride,
                     const int64_t* n_rows, const char* base, const int64_t* offsets, int64_t head_dim,
                     float* lane_scratch) {
  float* lanes[Q];
  int64_t shared_rows = n_rows[0];
  for (int q = 0; q < Q; ++q) {
    lanes[q] = lane_scratch + q * kLaneRows * head_dim;
    if (n_rows[q] < shared_rows) shared_rows = n_rows[q];
  }
  for (int64_t r = 0; r < kLaneRows; ++r) {
    int64_t first = 0;
    for (; first + 64 <= head_dim; first += 64) {
      accumulate_lane_row<Q, 4>(lanes, weights, weights_stride, n_rows, shared_rows, base, offsets, r, first,
                                head_dim);
    }
    for (; first < head_dim; first += 16) {
      accumulate_lane_row<Q, 1>(lanes, weights, weights_stride, n_rows, shared_rows, base, offsets, r, first,
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

const tessera_attention_kernels* avx512_attention_kernels() {
  static const tessera_attention_kernels kernels = [] {
    tessera_attention_kernels table = *avx2_attention_kernels();
    table.scores_f16_block = scores_f16_block;
    table.accumulate_f16_block = accumulate_f16_block;
    return table;
  }();
  return &kernels;
}

}  // namespace tessera::cpu

// Inner loops of attention per instruction-set level. C-style: ISA files include this header only.
//
// The kernels work on the rows of one KV head of one sequence: row j (cache position j) lives at
// base + offsets[j], so the paged block lookup is done once per call, not once per position.
//
// With an F16 cache the products of F16 query and key (or F16 probability and value) elements are
// exact in F32, so a dot product's result depends only on the order of its additions. The F16 dot
// products below fix that order to the one llama.cpp's CPU backend uses, so that results agree to
// the bit:
//   sixteen lanes:      element i is added to lane i % 16, in increasing i; the lanes are then summed
//                       pairwise, (l, l + 8), (l, l + 4), (l, l + 2), (0, 1). Needs n % 16 == 0.
//   four accumulators:  elements below n rounded down to 64 go to accumulator (i % 64) / 16, lane
//                       i % 16; the accumulators are combined as (0 + 2) + (1 + 3), the lanes summed
//                       pairwise as above, and the remaining elements added one by one in double.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* scores[j] = dot(query[0..head_dim), row j) * scale for j in [0, n_rows); returns the largest score */
typedef float (*tessera_attention_scores)(const float* query, const char* base, const int64_t* offsets,
                                          int64_t n_rows, int64_t head_dim, float scale, float* scores);
/* accumulators[r][0..head_dim) = sum over j % lane_rows == r, in increasing j, of weights[j] * row j, for
   r < min(lane_rows, n_rows); accumulator rows are `stride` floats apart. Rows from n_rows on would be zero
   and are not written. */
typedef void (*tessera_attention_accumulate)(float* accumulators, int64_t stride, int64_t lane_rows,
                                             const float* weights, const char* base, const int64_t* offsets,
                                             int64_t n_rows, int64_t head_dim);

/* The sixteen-lane products for a block of queries that share one KV head, so that each F16 row is
   converted once for several queries: scores[q * scores_stride + j] = dot(queries[q * query_stride ..],
   row j) * scale for q < n_queries, j < n_keys, with the sixteen-lane order; head_dim % 16 == 0. */
typedef void (*tessera_attention_scores_block)(const float* queries, int64_t query_stride, int64_t n_queries,
                                               const char* base, const int64_t* offsets, int64_t n_keys,
                                               int64_t head_dim, float scale, float* scores,
                                               int64_t scores_stride);
/* outputs[q][0..head_dim) for q < n_queries = the 16 lane rows summed pairwise, (r, r + 8), (r, r + 4),
   (r, r + 2), (0, 1), where lane row r = sum over j % 16 == r, j < n_rows[q], in increasing j, of
   weights[q * weights_stride + j] * F16 row j; head_dim % 16 == 0. lanes: scratch of
   TESSERA_ATTENTION_BLOCK_LANES * head_dim floats. */
typedef void (*tessera_attention_accumulate_block)(float* const* outputs, const float* weights,
                                                   int64_t weights_stride, const int64_t* n_rows,
                                                   int64_t n_queries, const char* base,
                                                   const int64_t* offsets, int64_t head_dim, float* lanes);
#define TESSERA_ATTENTION_BLOCK_LANES 64 /* four queries of 16 lane rows */

typedef struct tessera_attention_kernels {
  tessera_attention_scores scores_f32;                   /* F32 rows */
  tessera_attention_scores scores_f16_sixteen_lanes;     /* F16 rows, query holding F16 values */
  tessera_attention_scores scores_f16_four_accumulators; /* F16 rows, query holding F16 values */
  tessera_attention_accumulate accumulate_f32;
  tessera_attention_accumulate accumulate_f16;
  /* x[i] = tessera_fast_exp(x[i] - max) for i in [0, n); returns their sum, taken as sixteen-lane sums of
     consecutive groups of 16 (the last one padded with zeros) added in double */
  double (*exp_sum)(float* x, int64_t n, float max);
  /* target[i] = source[i] * factor rounded to the nearest F16 value, for i in [0, n) */
  void (*round_to_f16)(float* target, const float* source, int64_t n, float factor);
  /* the largest of x[0..n), NaN ignored as fmax does; -INFINITY when n == 0 or all are NaN */
  float (*max_value)(const float* x, int64_t n);
  /* F16 rows in sixteen-lane order for blocks of queries; NULL at levels without them, where each query
     takes scores_f16_sixteen_lanes and accumulate_f16 with 16 lane rows */
  tessera_attention_scores_block scores_f16_block;
  tessera_attention_accumulate_block accumulate_f16_block;
} tessera_attention_kernels;

#ifdef __cplusplus
}
namespace tessera::cpu {
const tessera_attention_kernels* scalar_attention_kernels();
const tessera_attention_kernels* avx2_attention_kernels();    // NULL when not compiled in
const tessera_attention_kernels* avx512_attention_kernels();  // NULL when not compiled in
// The AVX2 block kernels (x86/attention_blocks_avx2.cpp), for the AVX2 table.
tessera_attention_scores_block avx2_scores_f16_block();
tessera_attention_accumulate_block avx2_accumulate_f16_block();
}  // namespace tessera::cpu
#endif

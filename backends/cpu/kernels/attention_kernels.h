// Inner loops of attention per instruction-set level. C-style: ISA files include this header only.
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

typedef struct tessera_attention_kernels {
  /* dot(q[0..n), k[0..n)) with k F32 */
  float (*dot_f32)(const float* q, const void* k, int64_t n);
  /* dot(q[0..n), k[0..n)) with k F16 and q holding F16 values, in the orders described above */
  float (*dot_f16_sixteen_lanes)(const float* q, const void* k, int64_t n);
  float (*dot_f16_four_accumulators)(const float* q, const void* k, int64_t n);
  /* accumulator[0..n) += weight * v[0..n) with v F32 or F16 */
  void (*axpy_f32)(float* accumulator, float weight, const void* v, int64_t n);
  void (*axpy_f16)(float* accumulator, float weight, const void* v, int64_t n);
  /* x[i] = tessera_fast_exp(x[i] - max) for i in [0, n); returns their sum, taken as sixteen-lane sums of
     consecutive groups of 16 (the last one padded with zeros) added in double */
  double (*exp_sum)(float* x, int64_t n, float max);
} tessera_attention_kernels;

#ifdef __cplusplus
}
namespace tessera::cpu {
const tessera_attention_kernels* avx2_attention_kernels();  // NULL when not compiled in
}
#endif

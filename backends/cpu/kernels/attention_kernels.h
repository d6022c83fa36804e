// Inner loops of attention per instruction-set level. C-style: ISA files include this header only.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tessera_attention_kernels {
  /* dot(q[0..n), k[0..n)) with k F32 or F16 */
  float (*dot_f32)(const float* q, const void* k, int64_t n);
  float (*dot_f16)(const float* q, const void* k, int64_t n);
  /* accumulator[0..n) += weight * v[0..n) with v F32 or F16 */
  void (*axpy_f32)(float* accumulator, float weight, const void* v, int64_t n);
  void (*axpy_f16)(float* accumulator, float weight, const void* v, int64_t n);
} tessera_attention_kernels;

#ifdef __cplusplus
}
namespace tessera::cpu {
const tessera_attention_kernels* avx2_attention_kernels();  // NULL when not compiled in
}
#endif

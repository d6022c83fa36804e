// Vector SiLU / SwiGLU rows per instruction-set level. They compute exactly tessera_fast_exp's steps
// (kernels/fast_exp.h), each correctly rounded, so every level gives the scalar kernel's bits.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tessera_activation_kernels {
  /* out[i] = x[i] / (1 + exp(-x[i])) */
  void (*silu)(float* out, const float* x, int64_t n);
  /* out[i] = gate[i] / (1 + exp(-gate[i])) * up[i] */
  void (*swiglu)(float* out, const float* gate, const float* up, int64_t n);
} tessera_activation_kernels;

#ifdef __cplusplus
}
namespace tessera::cpu {
const tessera_activation_kernels* avx2_activation_kernels();  // NULL when not compiled in
}
#endif

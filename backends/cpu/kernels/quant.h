// Block formats of quantized activations and the scalar routines around them: dequantization of weight
// rows, quantization of activation rows (bit-identical to llama.cpp's x86 build, so greedy tokens match),
// and the scalar dot products every SIMD level must agree with.
//
// This header is C-style on purpose: ISA files include it for the struct layouts only.
#pragma once

#include <stdint.h>

#include "tessera/backend_abi.h"
#include "tessera/block_formats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Activation block of Q4_1 and Q5_1 products: q8 values, d and s = d * sum(qs) (both f16). */
typedef struct tessera_block_q8_1 {
  uint16_t d;
  uint16_t s;
  int8_t qs[32];
} tessera_block_q8_1;

/* Activation super-block of the K-quants: f32 scale, 256 q8 values, sums of each 16 values. */
typedef struct tessera_block_q8_k {
  float d;
  int8_t qs[TESSERA_QK_K];
  int16_t bsums[TESSERA_QK_K / 16];
} tessera_block_q8_k;

/* Formats activations are converted to before the dot products ("vec_dot_type" in ggml). */
typedef enum tessera_activation_format {
  TESSERA_ACTIVATION_F32 = 0,
  TESSERA_ACTIVATION_F16 = 1,
  TESSERA_ACTIVATION_BF16 = 2,
  TESSERA_ACTIVATION_Q8_0 = 3,
  TESSERA_ACTIVATION_Q8_1 = 4,
  TESSERA_ACTIVATION_Q8_K = 5,
  TESSERA_ACTIVATION_Q8_SUM = 6 /* tessera_block_q8_sum of kernels/packed.h */
} tessera_activation_format;

/* result = dot(weight row, activation row) over n elements. */
typedef float (*tessera_vec_dot_fn)(int64_t n, const void* weight, const void* activation);

/* Computes an n_weight_rows x n_activation_rows tile (each at most 4):
 * out[a * out_stride + w] = dot(weight row w, activation row a). Strides are in bytes / floats. */
typedef void (*tessera_dot_tile_fn)(int64_t n, const void* weight, int64_t weight_stride, int n_weight_rows,
                                    const void* activation, int64_t activation_stride, int n_activation_rows,
                                    float* out, int64_t out_stride);

/* Quantizes one activation row of n elements (a whole number of blocks) to Q8_0, Q8_1 or Q8_SUM with the
 * bits of quantize_activation_row; returns 0, doing nothing, for other formats. */
typedef int (*tessera_quantize_row_fn)(tessera_activation_format format, const float* source,
                                       void* destination, int64_t n);

/* The dot kernels of one instruction-set level, indexed by weight dtype through tessera_dot_index(). */
#define TESSERA_DOT_KINDS 11
typedef struct tessera_dot_kernels {
  tessera_vec_dot_fn dot[TESSERA_DOT_KINDS];
  tessera_dot_tile_fn tile[TESSERA_DOT_KINDS]; /* NULL: the driver loops over dot */
} tessera_dot_kernels;

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
namespace tessera::cpu {

// Slot of a weight dtype in tessera_dot_kernels, -1 when matmul does not handle it.
int dot_index(int32_t weight_dtype);
tessera_activation_format activation_format(int32_t weight_dtype);
// Bytes of one activation row of n elements in a format.
int64_t activation_row_bytes(tessera_activation_format format, int64_t n);
void quantize_activation_row(tessera_activation_format format, const float* source, void* destination,
                             int64_t n);

// Decodes n elements (a whole number of blocks) of a weight row into floats.
void dequantize_row(int32_t dtype, const void* source, float* destination, int64_t n);

// Dot kernels per level; avx2/avx512 return NULL when not compiled in.
const tessera_dot_kernels* scalar_dot_kernels();
const tessera_dot_kernels* avx2_dot_kernels();
const tessera_dot_kernels* avx512_dot_kernels();
tessera_quantize_row_fn avx2_quantize_row();  // NULL when not compiled in

}  // namespace tessera::cpu
#endif

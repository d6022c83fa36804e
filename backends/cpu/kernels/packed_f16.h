// F16 matmul weights in the rows16 layout: 16 weight rows interleaved per element, so that one 512-bit
// register (or two 256-bit ones) converted from 32 bytes holds element k of 16 output rows, and one
// float multiply-add against a broadcast activation advances 16 outputs.
//
// For a weight [n_out, n_in], group g holds rows 16 g .. 16 g + 15 (rows past n_out are zero) as
// halves[n_in][16]: element k of row 16 g + r at index 16 k + r. Groups follow each other, 32 n_in bytes
// each; any n_in works.
//
// Activations are rounded to f16 and widened back to f32 once per matmul (the plain F16 kernels'
// numerics: products of two f16 values, summed in f32), so the inner loop broadcasts f32 values.
#pragma once

#include <stdint.h>

#include "tessera/backend_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* destination[i] = source[i] rounded to f16 (to nearest even), as f32, for i < n. */
typedef void (*tessera_f16_round_fn)(const float* source, float* destination, int64_t n);

/* out[a * out_stride + o] = dot(weight row o, activation row a) for o < n_outputs and a < n_activations,
 * over n_in elements. `groups` points at the packed group of output 0; the tile reads
 * ceil(n_outputs / 16) consecutive groups. Activation rows are f32, activation_stride floats apart. */
typedef void (*tessera_f16_tile_fn)(int64_t n_in, const uint16_t* groups, int n_outputs,
                                    const float* activation, int64_t activation_stride, int n_activations,
                                    float* out, int64_t out_stride);

typedef struct tessera_f16_packed_kernels {
  tessera_f16_round_fn round;
  tessera_f16_tile_fn tile;
} tessera_f16_packed_kernels;

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
namespace tessera::cpu {

// Bytes of a packed F16 weight [n_out, n_in].
int64_t packed_f16_bytes(int64_t n_out, int64_t n_in);
// Packs a plain F16 weight (row r at plain + r * row_stride bytes) into `packed`.
void pack_f16_rows16(const void* plain, int64_t row_stride, int64_t n_out, int64_t n_in, void* packed);

// The matmul kernel over packed F16 weights (kernels/matmul_packed_f16.cpp); pack_weight packs them.
tessera_status kernel_matmul_f16_rows16(void* stream, const tessera_op_call* call);

// Kernels per level; avx2/avx512 return NULL when not compiled in.
const tessera_f16_packed_kernels* scalar_f16_packed_kernels();
const tessera_f16_packed_kernels* avx2_f16_packed_kernels();
const tessera_f16_packed_kernels* avx512_f16_packed_kernels();

}  // namespace tessera::cpu
#endif

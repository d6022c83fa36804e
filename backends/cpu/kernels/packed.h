// The CPU backend's packed weight layout for matmul ("rows16"): weight rows are interleaved in groups
// of 16 so that one 512-bit register (or two 256-bit ones) holds the same 4 bytes of 16 rows, and an
// int8 dot-product instruction advances 16 output rows at once against a broadcast activation.
//
// For a weight [n_out, n_in] of a 32-element block type, group g holds rows 16 g .. 16 g + 15 (rows past
// n_out are zero) and, for each block b of n_in / 32, one packed block:
//   Q4_0: d[16] f16 | quants[4][16][4]          288 bytes (18 per row, as in GGUF)
//   Q4_1: d[16] f16 | m[16] f16 | quants[4][16][4]   320 bytes
//   Q8_0: d[16] f16 | quants[8][16][4]          544 bytes
// quants[c][r] are the 4 bytes of row r at chunk c: for Q4 the GGUF bytes qs[4c .. 4c+3] (low nibbles are
// elements 4c.., high nibbles elements 16 + 4c..), for Q8_0 elements 4c .. 4c+3.
// Q4_K has one packed block per 256-element super-block:
//   d[16] f16 | dmin[16] f16 | scales[8][16] u8 | mins[8][16] u8 | quants[4][8][16][4]   2368 bytes
// with the 6-bit sub-block scales and mins unpacked, and quants[j][c][r] the GGUF bytes qs[32j + 4c ..]
// of row r (low nibbles: sub-block 2j, high nibbles: sub-block 2j + 1).
// Q5_0 and Q5_1 are Q4_0 and Q4_1 with the fifth bits between the scales and the quants:
//   Q5_0: d[16] f16 | fifth[16][4] | quants[4][16][4]             352 bytes
//   Q5_1: d[16] f16 | m[16] f16 | fifth[16][4] | quants[4][16][4]  384 bytes
// where bit c of fifth byte k holds the fifth bit of element 4c + k (the low nibble of quants[c] byte k)
// and bit 4 + c that of element 16 + 4c + k (its high nibble), so one shift moves each to bit 4.
// Q6_K has one packed block per 256-element super-block, ql and qh kept in GGUF byte order:
//   scales[16][16] i8 | d[16] f16 | 32 zero bytes | ql[32][16][4] | qh[16][16][4]   3392 bytes
// (the padding keeps every chunk on a 64-byte line).
//
// Activations are quantized per 32-element block to tessera_block_q8_1 for Q4_1 and Q5_1 and to
// tessera_block_q8_sum (Q8_0 values plus their exact integer sum) for Q4_0, Q5_0 and Q8_0; Q4_K and Q6_K
// read Q8_K.
#pragma once

#include <stdint.h>

#include "kernels/quant.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TESSERA_CPU_LAYOUT_ROWS16 1
#define TESSERA_ROWS16 16

/* Byte offsets inside one packed block (the one place they are written down; pack*.cpp and the kernels
 * read them from here). A chunk is 4 bytes of each of the 16 rows. */
enum {
  TESSERA_ROWS16_CHUNK = TESSERA_ROWS16 * 4,
  /* Q4_K: d[16], dmin[16], scales[8][16], mins[8][16], then quants[4][8] chunks */
  TESSERA_ROWS16_Q4_K_SCALES = 64,
  TESSERA_ROWS16_Q4_K_MINS = 64 + 128,
  TESSERA_ROWS16_Q4_K_QUANTS = 64 + 256,
  TESSERA_ROWS16_Q4_K_BLOCK = TESSERA_ROWS16_Q4_K_QUANTS + 32 * TESSERA_ROWS16_CHUNK,
  /* Q6_K: scales[16][16], d[16], padding to a cache line, ql[32] chunks, qh[16] chunks */
  TESSERA_ROWS16_Q6_K_D = 256,
  TESSERA_ROWS16_Q6_K_LOW = 320,
  TESSERA_ROWS16_Q6_K_HIGH = TESSERA_ROWS16_Q6_K_LOW + 32 * TESSERA_ROWS16_CHUNK,
  TESSERA_ROWS16_Q6_K_BLOCK = TESSERA_ROWS16_Q6_K_HIGH + 16 * TESSERA_ROWS16_CHUNK,
  /* Q5_0 / Q5_1: d[16] (and m[16] for Q5_1), fifth bits[16][4], then quants[4] chunks */
  TESSERA_ROWS16_Q5_0_FIFTH = 32,
  TESSERA_ROWS16_Q5_1_FIFTH = 64
};

/* Q8_0 activation block with the integer sum of its quants (the Q4_0 -8 and Q8_0 +128 offsets). A row of
 * n elements is n / 32 blocks followed by n / 32 x 8 int32 chunk offsets, -8 * (qs[4c] + ... + qs[4c + 3])
 * for chunk c of each block: the exact-order kernels start each chunk's integer dot product from it. */
typedef struct tessera_block_q8_sum {
  uint16_t d;
  int16_t sum;
  int8_t qs[32];
} tessera_block_q8_sum;
#define TESSERA_Q8_SUM_CHUNKS 8

/* out[a * out_stride + r] = dot(weight row 16 group + r, activation a) for r < n_rows (<= 16) and
 * a < n_activations, over n_in elements. `group` points at the group's first packed block. Kernels with
 * exact = 1 add up each row in the order of the plain-layout dot kernels (bit-identical results);
 * exact = 0 may use a faster order. */
typedef void (*tessera_packed_tile_fn)(int64_t n_in, const void* group, const void* activation,
                                       int64_t activation_stride, int n_activations, float* out,
                                       int64_t out_stride, int n_rows);

/* Slots: 0 Q8_0, 1 Q4_0, 2 Q4_1, 3 Q4_K, 4 Q5_0, 5 Q5_1, 6 Q6_K. Slots 3 and up have one order: their
 * exact slot holds the fast kernel. */
#define TESSERA_PACKED_KINDS 7
typedef struct tessera_packed_kernels {
  tessera_packed_tile_fn exact[TESSERA_PACKED_KINDS];
  tessera_packed_tile_fn fast[TESSERA_PACKED_KINDS];
  int fast_activations; /* activation rows per fast call that fill the registers */
} tessera_packed_kernels;

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
namespace tessera::cpu {

// Slot of a weight dtype in tessera_packed_kernels, -1 when it has no packed layout.
int packed_index(int32_t weight_dtype);
// Bytes of one packed block (16 rows x one block of the dtype) of a dtype that has a packed layout.
int64_t packed_block_bytes(int32_t weight_dtype);
// Bytes of a whole packed weight [n_out, n_in].
int64_t packed_weight_bytes(int32_t weight_dtype, int64_t n_out, int64_t n_in);
// Packs a plain weight (row r at plain + r * row_stride) into `packed` (packed_weight_bytes of them).
void pack_rows16(int32_t weight_dtype, const void* plain, int64_t row_stride, int64_t n_out, int64_t n_in,
                 void* packed);
// Activation format the packed kernels of a weight dtype read.
tessera_activation_format packed_activation_format(int32_t weight_dtype);

// Row r's share of a packed block and back, for the types with their own packed block (pack_q5_q6.cpp).
void pack_q5_row_block(int32_t weight_dtype, const void* plain, int r, unsigned char* block);
void unpack_q5_row_block(int32_t weight_dtype, const unsigned char* block, int r, void* plain);
void pack_q6_k_row_block(const tessera_block_q6_k& plain, int r, unsigned char* block);
void unpack_q6_k_row_block(const unsigned char* block, int r, tessera_block_q6_k* plain);

const tessera_packed_kernels* scalar_packed_kernels();
const tessera_packed_kernels* avx2_packed_kernels();
const tessera_packed_kernels* avx512_packed_kernels();

}  // namespace tessera::cpu
#endif

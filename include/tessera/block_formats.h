/* Byte layouts of the block-quantized GGUF types, and half-precision conversions.
 * These are file formats, shared by the tensor library and by every backend. */
#ifndef TESSERA_BLOCK_FORMATS_H
#define TESSERA_BLOCK_FORMATS_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TESSERA_QK4_0 32
#define TESSERA_QK4_1 32
#define TESSERA_QK5_0 32
#define TESSERA_QK5_1 32
#define TESSERA_QK8_0 32
#define TESSERA_QK_K 256
#define TESSERA_K_SCALE_SIZE 12

/* value = d * (q - 8), q in 0..15; element j in low nibble of qs[j], element j+16 in high nibble. */
typedef struct tessera_block_q4_0 {
  uint16_t d; /* f16 */
  uint8_t qs[TESSERA_QK4_0 / 2];
} tessera_block_q4_0;

/* value = d * q + m, q in 0..15; nibble order as Q4_0. */
typedef struct tessera_block_q4_1 {
  uint16_t d; /* f16 */
  uint16_t m; /* f16 */
  uint8_t qs[TESSERA_QK4_1 / 2];
} tessera_block_q4_1;

/* value = d * (q - 16), q in 0..31: the low four bits of q as Q4_0's nibbles (element j in the low
 * nibble of qs[j], element j+16 in the high nibble), the fifth bit of element j in bit j of qh
 * (qh read as a little-endian 32-bit word). */
typedef struct tessera_block_q5_0 {
  uint16_t d; /* f16 */
  uint8_t qh[4];
  uint8_t qs[TESSERA_QK5_0 / 2];
} tessera_block_q5_0;

/* value = d * q + m, q in 0..31; bit order as Q5_0. */
typedef struct tessera_block_q5_1 {
  uint16_t d; /* f16 */
  uint16_t m; /* f16 */
  uint8_t qh[4];
  uint8_t qs[TESSERA_QK5_1 / 2];
} tessera_block_q5_1;

/* value = d * q, q in -127..127. */
typedef struct tessera_block_q8_0 {
  uint16_t d; /* f16 */
  int8_t qs[TESSERA_QK8_0];
} tessera_block_q8_0;

/* 8 sub-blocks of 32 with 6-bit scales and mins packed in scales[12]; value = d*sc*q - dmin*m. */
typedef struct tessera_block_q4_k {
  uint16_t d;    /* f16 super-block scale of the scales */
  uint16_t dmin; /* f16 super-block scale of the mins */
  uint8_t scales[TESSERA_K_SCALE_SIZE];
  uint8_t qs[TESSERA_QK_K / 2];
} tessera_block_q4_k;

/* As Q4_K with a fifth bit per value in qh. */
typedef struct tessera_block_q5_k {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[TESSERA_K_SCALE_SIZE];
  uint8_t qh[TESSERA_QK_K / 8];
  uint8_t qs[TESSERA_QK_K / 2];
} tessera_block_q5_k;

/* 16 sub-blocks of 16 with int8 scales; 6-bit values split in ql (low 4) and qh (high 2);
 * value = d * scale * (q - 32). */
typedef struct tessera_block_q6_k {
  uint8_t ql[TESSERA_QK_K / 2];
  uint8_t qh[TESSERA_QK_K / 4];
  int8_t scales[TESSERA_QK_K / 16];
  uint16_t d; /* f16 */
} tessera_block_q6_k;

/* IEEE half -> float, exact for every input including subnormals, inf and NaN. */
static inline float tessera_f16_to_f32(uint16_t half) {
  const uint32_t sign = (uint32_t)(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t mantissa = half & 0x3FFu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { /* subnormal: normalise */
      int shift = 0;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        ++shift;
      }
      mantissa &= 0x3FFu;
      bits = sign | ((uint32_t)(113 - shift) << 23) | (mantissa << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7F800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  }
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

/* float -> IEEE half, round to nearest even (matches numpy's float16 cast). */
static inline uint16_t tessera_f32_to_f16(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) { /* inf or NaN */
    return (uint16_t)(sign | 0x7C00u | (magnitude > 0x7F800000u ? 0x200u : 0u));
  }
  if (magnitude >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u); /* rounds past 65504 */
  if (magnitude < 0x38800000u) {                                    /* subnormal or zero in half */
    if (magnitude < 0x33000000u) return sign;                       /* below half of the smallest subnormal */
    const uint32_t exponent = magnitude >> 23;
    const uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126u - exponent; /* 14..24 */
    uint32_t half_mantissa = mantissa >> shift;
    const uint32_t remainder = mantissa & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (half_mantissa & 1u))) ++half_mantissa;
    return (uint16_t)(sign | half_mantissa);
  }
  uint32_t rounded = magnitude + 0xFFFu + ((magnitude >> 13) & 1u);
  return (uint16_t)(sign | ((rounded - 0x38000000u) >> 13));
}

static inline float tessera_bf16_to_f32(uint16_t value) {
  uint32_t bits = (uint32_t)value << 16;
  float result;
  memcpy(&result, &bits, sizeof result);
  return result;
}

/* float -> bfloat16, round to nearest even; NaN stays NaN (matches gguf's quants module). */
static inline uint16_t tessera_f32_to_bf16(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 64u);
  return (uint16_t)((bits + (0x7FFFu + ((bits >> 16) & 1u))) >> 16);
}

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_BLOCK_FORMATS_H */

// Scalar block routines: weight dequantization and activation quantization.
#include "kernels/quant.h"
#include "kernels/packed.h"

#include <cmath>
#include <cstring>

namespace tessera::cpu {

namespace {

// 6-bit scale and min of sub-block j of a Q4_K / Q5_K super-block.
void scale_min_k4(int j, const uint8_t* scales, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = scales[j] & 63;
    *min = scales[j + 4] & 63;
  } else {
    *scale = static_cast<uint8_t>((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4));
    *min = static_cast<uint8_t>((scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
  }
}

void dequantize_q4_0(const tessera_block_q4_0* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, out += 32) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    for (int j = 0; j < 16; ++j) {
      out[j] = static_cast<float>((blocks[b].qs[j] & 0xF) - 8) * d;
      out[j + 16] = static_cast<float>((blocks[b].qs[j] >> 4) - 8) * d;
    }
  }
}

void dequantize_q4_1(const tessera_block_q4_1* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, out += 32) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    const float m = tessera_f16_to_f32(blocks[b].m);
    for (int j = 0; j < 16; ++j) {
      out[j] = static_cast<float>(blocks[b].qs[j] & 0xF) * d + m;
      out[j + 16] = static_cast<float>(blocks[b].qs[j] >> 4) * d + m;
    }
  }
}

// Level 0..31 of element j of a Q5_0 / Q5_1 block: low nibble from qs, fifth bit from bit j of qh.
inline int level_q5(const uint8_t* qs, const uint8_t* qh, int j) {
  const int nibble = j < 16 ? (qs[j] & 0xF) : (qs[j - 16] >> 4);
  return nibble | (((qh[j / 8] >> (j % 8)) & 1) << 4);
}

void dequantize_q5_0(const tessera_block_q5_0* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, out += 32) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    for (int j = 0; j < 32; ++j)
      out[j] = static_cast<float>(level_q5(blocks[b].qs, blocks[b].qh, j) - 16) * d;
  }
}

void dequantize_q5_1(const tessera_block_q5_1* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, out += 32) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    const float m = tessera_f16_to_f32(blocks[b].m);
    for (int j = 0; j < 32; ++j) out[j] = static_cast<float>(level_q5(blocks[b].qs, blocks[b].qh, j)) * d + m;
  }
}

void dequantize_q8_0(const tessera_block_q8_0* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, out += 32) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    for (int j = 0; j < 32; ++j) out[j] = static_cast<float>(blocks[b].qs[j]) * d;
  }
}

void dequantize_q4_k(const tessera_block_q4_k* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    const float dmin = tessera_f16_to_f32(blocks[b].dmin);
    const uint8_t* q = blocks[b].qs;
    for (int chunk = 0; chunk < 4; ++chunk, q += 32) {
      uint8_t scale, min;
      scale_min_k4(2 * chunk, blocks[b].scales, &scale, &min);
      const float d1 = d * scale, m1 = dmin * min;
      scale_min_k4(2 * chunk + 1, blocks[b].scales, &scale, &min);
      const float d2 = d * scale, m2 = dmin * min;
      for (int l = 0; l < 32; ++l) *out++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) *out++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    }
  }
}

void dequantize_q5_k(const tessera_block_q5_k* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    const float dmin = tessera_f16_to_f32(blocks[b].dmin);
    const uint8_t* ql = blocks[b].qs;
    const uint8_t* qh = blocks[b].qh;
    for (int chunk = 0; chunk < 4; ++chunk, ql += 32) {
      const uint8_t low_bit = static_cast<uint8_t>(1u << (2 * chunk));
      const uint8_t high_bit = static_cast<uint8_t>(1u << (2 * chunk + 1));
      uint8_t scale, min;
      scale_min_k4(2 * chunk, blocks[b].scales, &scale, &min);
      const float d1 = d * scale, m1 = dmin * min;
      scale_min_k4(2 * chunk + 1, blocks[b].scales, &scale, &min);
      const float d2 = d * scale, m2 = dmin * min;
      for (int l = 0; l < 32; ++l)
        *out++ = d1 * static_cast<float>((ql[l] & 0xF) + (qh[l] & low_bit ? 16 : 0)) - m1;
      for (int l = 0; l < 32; ++l)
        *out++ = d2 * static_cast<float>((ql[l] >> 4) + (qh[l] & high_bit ? 16 : 0)) - m2;
    }
  }
}

void dequantize_q6_k(const tessera_block_q6_k* blocks, float* out, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = tessera_f16_to_f32(blocks[b].d);
    const uint8_t* ql = blocks[b].ql;
    const uint8_t* qh = blocks[b].qh;
    const int8_t* sc = blocks[b].scales;
    for (int half = 0; half < 2; ++half, out += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        out[l] = d * sc[is] * static_cast<float>(q1);
        out[l + 32] = d * sc[is + 2] * static_cast<float>(q2);
        out[l + 64] = d * sc[is + 4] * static_cast<float>(q3);
        out[l + 96] = d * sc[is + 6] * static_cast<float>(q4);
      }
    }
  }
}

// Round half to even for |value| < 2^22, as vroundps / ggml's nearest_int do; plain float adds that
// vectorise on every x86-64 (nearbyint is a libm call without SSE4.1). Needs IEEE float semantics
// (no -ffast-math), which the project never enables.
inline float round_even(float value) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: adding it leaves no fraction bits
  return (value + kMagic) - kMagic;
}

// A quant of a block scale: NaN (from a NaN or infinite input) becomes 0, so that the conversion to an
// integer is defined; the AVX2 quantizer does the same.
inline int quant_of(float scaled) {
  const float rounded = round_even(scaled);
  return rounded == rounded ? static_cast<int>(rounded) : 0;
}

// Largest |x| of a block; comparisons instead of fmax so the loop vectorises.
inline float absolute_max(const float* x, int count) {
  float amax = 0.0f;
  for (int j = 0; j < count; ++j) {
    const float magnitude = std::fabs(x[j]);
    amax = magnitude > amax ? magnitude : amax;
  }
  return amax;
}

// Q8_0 / Q8_1 as llama.cpp's x86 build computes them: multiplier 127/amax, round half to even.
void quantize_q8_0(const float* x, tessera_block_q8_0* blocks, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, x += 32) {
    const float amax = absolute_max(x, 32);
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    blocks[b].d = tessera_f32_to_f16(d);
    for (int j = 0; j < 32; ++j) blocks[b].qs[j] = static_cast<int8_t>(quant_of(x[j] * id));
  }
}

void quantize_q8_1(const float* x, tessera_block_q8_1* blocks, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, x += 32) {
    const float amax = absolute_max(x, 32);
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    int sum = 0;
    for (int j = 0; j < 32; ++j) {
      const int q = quant_of(x[j] * id);
      blocks[b].qs[j] = static_cast<int8_t>(q);
      sum += q;
    }
    blocks[b].d = tessera_f32_to_f16(d);
    blocks[b].s = tessera_f32_to_f16(d * static_cast<float>(sum));
  }
}

// Q8_0 values and scale plus the exact integer sum of the values, then the chunk offsets, for the
// packed kernels (kernels/packed.h).
void quantize_q8_sum(const float* x, tessera_block_q8_sum* blocks, int64_t n_blocks) {
  auto* offsets = reinterpret_cast<int32_t*>(blocks + n_blocks);
  for (int64_t b = 0; b < n_blocks; ++b, x += 32) {
    tessera_block_q8_0 block;
    quantize_q8_0(x, &block, 1);
    int sum = 0;
    for (int c = 0; c < TESSERA_Q8_SUM_CHUNKS; ++c) {
      const int chunk = block.qs[4 * c] + block.qs[4 * c + 1] + block.qs[4 * c + 2] + block.qs[4 * c + 3];
      offsets[TESSERA_Q8_SUM_CHUNKS * b + c] = -8 * chunk;
      sum += chunk;
    }
    blocks[b].d = block.d;
    blocks[b].sum = static_cast<int16_t>(sum);
    std::memcpy(blocks[b].qs, block.qs, 32);
  }
}

// Q8_K as ggml's quantize_row_q8_K_ref (used on x86): scale -127/max of the signed extreme value.
void quantize_q8_k(const float* x, tessera_block_q8_k* blocks, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, x += TESSERA_QK_K) {
    float max = 0.0f, amax = 0.0f;
    for (int j = 0; j < TESSERA_QK_K; ++j) {
      const float ax = std::fabs(x[j]);
      if (ax > amax) {
        amax = ax;
        max = x[j];
      }
    }
    if (amax == 0.0f) {
      std::memset(&blocks[b], 0, sizeof blocks[b]);
      continue;
    }
    const float iscale = -127.0f / max;
    for (int j = 0; j < TESSERA_QK_K; ++j) {
      const int q = quant_of(iscale * x[j]);
      blocks[b].qs[j] = static_cast<int8_t>(q < 127 ? q : 127);
    }
    for (int j = 0; j < TESSERA_QK_K / 16; ++j) {
      int sum = 0;
      for (int l = 0; l < 16; ++l) sum += blocks[b].qs[j * 16 + l];
      blocks[b].bsums[j] = static_cast<int16_t>(sum);
    }
    blocks[b].d = 1.0f / iscale;
  }
}

}  // namespace

int dot_index(int32_t weight_dtype) {
  switch (weight_dtype) {
    case TESSERA_DTYPE_F32:
      return 0;
    case TESSERA_DTYPE_F16:
      return 1;
    case TESSERA_DTYPE_BF16:
      return 2;
    case TESSERA_DTYPE_Q8_0:
      return 3;
    case TESSERA_DTYPE_Q4_0:
      return 4;
    case TESSERA_DTYPE_Q4_1:
      return 5;
    case TESSERA_DTYPE_Q4_K:
      return 6;
    case TESSERA_DTYPE_Q5_K:
      return 7;
    case TESSERA_DTYPE_Q6_K:
      return 8;
    case TESSERA_DTYPE_Q5_0:
      return 9;
    case TESSERA_DTYPE_Q5_1:
      return 10;
    default:
      return -1;
  }
}

tessera_activation_format activation_format(int32_t weight_dtype) {
  switch (weight_dtype) {
    case TESSERA_DTYPE_F16:
      return TESSERA_ACTIVATION_F16;
    case TESSERA_DTYPE_BF16:
      return TESSERA_ACTIVATION_BF16;
    case TESSERA_DTYPE_Q8_0:
    case TESSERA_DTYPE_Q4_0:
    case TESSERA_DTYPE_Q5_0:
      return TESSERA_ACTIVATION_Q8_0;
    case TESSERA_DTYPE_Q4_1:
    case TESSERA_DTYPE_Q5_1:
      return TESSERA_ACTIVATION_Q8_1;
    case TESSERA_DTYPE_Q4_K:
    case TESSERA_DTYPE_Q5_K:
    case TESSERA_DTYPE_Q6_K:
      return TESSERA_ACTIVATION_Q8_K;
    default:
      return TESSERA_ACTIVATION_F32;
  }
}

int64_t activation_row_bytes(tessera_activation_format format, int64_t n) {
  switch (format) {
    case TESSERA_ACTIVATION_F32:
      return n * 4;
    case TESSERA_ACTIVATION_F16:
    case TESSERA_ACTIVATION_BF16:
      return n * 2;
    case TESSERA_ACTIVATION_Q8_0:
      return n / 32 * static_cast<int64_t>(sizeof(tessera_block_q8_0));
    case TESSERA_ACTIVATION_Q8_1:
      return n / 32 * static_cast<int64_t>(sizeof(tessera_block_q8_1));
    case TESSERA_ACTIVATION_Q8_K:
      return n / TESSERA_QK_K * static_cast<int64_t>(sizeof(tessera_block_q8_k));
    case TESSERA_ACTIVATION_Q8_SUM:
      return n / 32 *
             static_cast<int64_t>(sizeof(tessera_block_q8_sum) + TESSERA_Q8_SUM_CHUNKS * sizeof(int32_t));
  }
  return 0;
}

void quantize_activation_row(tessera_activation_format format, const float* source, void* destination,
                             int64_t n) {
  switch (format) {
    case TESSERA_ACTIVATION_F32:
      std::memcpy(destination, source, static_cast<size_t>(n) * 4);
      break;
    case TESSERA_ACTIVATION_F16: {
      auto* out = static_cast<uint16_t*>(destination);
      for (int64_t i = 0; i < n; ++i) out[i] = tessera_f32_to_f16(source[i]);
      break;
    }
    case TESSERA_ACTIVATION_BF16: {
      auto* out = static_cast<uint16_t*>(destination);
      for (int64_t i = 0; i < n; ++i) out[i] = tessera_f32_to_bf16(source[i]);
      break;
    }
    case TESSERA_ACTIVATION_Q8_0:
      quantize_q8_0(source, static_cast<tessera_block_q8_0*>(destination), n / 32);
      break;
    case TESSERA_ACTIVATION_Q8_1:
      quantize_q8_1(source, static_cast<tessera_block_q8_1*>(destination), n / 32);
      break;
    case TESSERA_ACTIVATION_Q8_K:
      quantize_q8_k(source, static_cast<tessera_block_q8_k*>(destination), n / TESSERA_QK_K);
      break;
    case TESSERA_ACTIVATION_Q8_SUM:
      quantize_q8_sum(source, static_cast<tessera_block_q8_sum*>(destination), n / 32);
      break;
  }
}

void dequantize_row(int32_t dtype, const void* source, float* destination, int64_t n) {
  switch (dtype) {
    case TESSERA_DTYPE_F32:
      std::memcpy(destination, source, static_cast<size_t>(n) * 4);
      break;
    case TESSERA_DTYPE_F16: {
      const auto* in = static_cast<const uint16_t*>(source);
      for (int64_t i = 0; i < n; ++i) destination[i] = tessera_f16_to_f32(in[i]);
      break;
    }
    case TESSERA_DTYPE_BF16: {
      const auto* in = static_cast<const uint16_t*>(source);
      for (int64_t i = 0; i < n; ++i) destination[i] = tessera_bf16_to_f32(in[i]);
      break;
    }
    case TESSERA_DTYPE_Q4_0:
      dequantize_q4_0(static_cast<const tessera_block_q4_0*>(source), destination, n / 32);
      break;
    case TESSERA_DTYPE_Q4_1:
      dequantize_q4_1(static_cast<const tessera_block_q4_1*>(source), destination, n / 32);
      break;
    case TESSERA_DTYPE_Q5_0:
      dequantize_q5_0(static_cast<const tessera_block_q5_0*>(source), destination, n / 32);
      break;
    case TESSERA_DTYPE_Q5_1:
      dequantize_q5_1(static_cast<const tessera_block_q5_1*>(source), destination, n / 32);
      break;
    case TESSERA_DTYPE_Q8_0:
      dequantize_q8_0(static_cast<const tessera_block_q8_0*>(source), destination, n / 32);
      break;
    case TESSERA_DTYPE_Q4_K:
      dequantize_q4_k(static_cast<const tessera_block_q4_k*>(source), destination, n / TESSERA_QK_K);
      break;
    case TESSERA_DTYPE_Q5_K:
      dequantize_q5_k(static_cast<const tessera_block_q5_k*>(source), destination, n / TESSERA_QK_K);
      break;
    case TESSERA_DTYPE_Q6_K:
      dequantize_q6_k(static_cast<const tessera_block_q6_k*>(source), destination, n / TESSERA_QK_K);
      break;
    default:
      break;
  }
}

}  // namespace tessera::cpu

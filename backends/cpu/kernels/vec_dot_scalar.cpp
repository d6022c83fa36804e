// Scalar dot products of one weight row with one converted activation row: the portable level, and
// the definition the SIMD levels reproduce (same integer sums, same per-block scaling).
#include <cstring>

#include "kernels/quant.h"

namespace tessera::cpu {

namespace {

float dot_f32(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const float*>(weight);
  const auto* x = static_cast<const float*>(activation);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += w[i] * x[i];
  return sum;
}

float dot_f16(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const uint16_t*>(weight);
  const auto* x = static_cast<const uint16_t*>(activation);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += tessera_f16_to_f32(w[i]) * tessera_f16_to_f32(x[i]);
  return sum;
}

float dot_bf16(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const uint16_t*>(weight);
  const auto* x = static_cast<const uint16_t*>(activation);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += tessera_bf16_to_f32(w[i]) * tessera_bf16_to_f32(x[i]);
  return sum;
}

float dot_q8_0(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q8_0*>(weight);
  const auto* x = static_cast<const tessera_block_q8_0*>(activation);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / 32; ++b) {
    int sumi = 0;
    for (int j = 0; j < 32; ++j) sumi += w[b].qs[j] * x[b].qs[j];
    sum += static_cast<float>(sumi) * (tessera_f16_to_f32(w[b].d) * tessera_f16_to_f32(x[b].d));
  }
  return sum;
}

float dot_q4_0(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q4_0*>(weight);
  const auto* x = static_cast<const tessera_block_q8_0*>(activation);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / 32; ++b) {
    int sumi = 0;
    for (int j = 0; j < 16; ++j) {
      sumi += ((w[b].qs[j] & 0xF) - 8) * x[b].qs[j];
      sumi += ((w[b].qs[j] >> 4) - 8) * x[b].qs[j + 16];
    }
    sum += static_cast<float>(sumi) * (tessera_f16_to_f32(w[b].d) * tessera_f16_to_f32(x[b].d));
  }
  return sum;
}

float dot_q4_1(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q4_1*>(weight);
  const auto* x = static_cast<const tessera_block_q8_1*>(activation);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / 32; ++b) {
    int sumi = 0;
    for (int j = 0; j < 16; ++j) {
      sumi += (w[b].qs[j] & 0xF) * x[b].qs[j];
      sumi += (w[b].qs[j] >> 4) * x[b].qs[j + 16];
    }
    sum += static_cast<float>(sumi) * (tessera_f16_to_f32(w[b].d) * tessera_f16_to_f32(x[b].d)) +
           tessera_f16_to_f32(w[b].m) * tessera_f16_to_f32(x[b].s);
  }
  return sum;
}

// Level 0..31 of element j of a Q5_0 / Q5_1 block: low nibble from qs, fifth bit from bit j of qh.
inline int level_q5(const uint8_t* qs, const uint8_t* qh, int j) {
  const int nibble = j < 16 ? (qs[j] & 0xF) : (qs[j - 16] >> 4);
  return nibble | (((qh[j / 8] >> (j % 8)) & 1) << 4);
}

float dot_q5_0(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q5_0*>(weight);
  const auto* x = static_cast<const tessera_block_q8_0*>(activation);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / 32; ++b) {
    int sumi = 0;
    for (int j = 0; j < 32; ++j) sumi += (level_q5(w[b].qs, w[b].qh, j) - 16) * x[b].qs[j];
    sum += static_cast<float>(sumi) * (tessera_f16_to_f32(w[b].d) * tessera_f16_to_f32(x[b].d));
  }
  return sum;
}

float dot_q5_1(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q5_1*>(weight);
  const auto* x = static_cast<const tessera_block_q8_1*>(activation);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / 32; ++b) {
    int sumi = 0;
    for (int j = 0; j < 32; ++j) sumi += level_q5(w[b].qs, w[b].qh, j) * x[b].qs[j];
    sum += static_cast<float>(sumi) * (tessera_f16_to_f32(w[b].d) * tessera_f16_to_f32(x[b].d)) +
           tessera_f16_to_f32(w[b].m) * tessera_f16_to_f32(x[b].s);
  }
  return sum;
}

// Sub-block scales and mins of a Q4_K / Q5_K super-block, unpacked from their 6-bit form.
void unpack_scales_k4(const uint8_t* packed, uint8_t* scales, uint8_t* mins) {
  for (int j = 0; j < 4; ++j) {
    scales[j] = packed[j] & 63;
    mins[j] = packed[j + 4] & 63;
    scales[j + 4] = static_cast<uint8_t>((packed[j + 8] & 0xF) | ((packed[j] >> 6) << 4));
    mins[j + 4] = static_cast<uint8_t>((packed[j + 8] >> 4) | ((packed[j + 4] >> 6) << 4));
  }
}

// The shared tail of Q4_K and Q5_K: values[256] are the unsigned quants in element order.
float finish_k4(const uint8_t* values, const uint8_t* packed_scales, uint16_t d_half, uint16_t dmin_half,
                const tessera_block_q8_k& x) {
  uint8_t scales[8], mins[8];
  unpack_scales_k4(packed_scales, scales, mins);
  int sum_mins = 0;
  for (int j = 0; j < 8; ++j) sum_mins += mins[j] * (x.bsums[2 * j] + x.bsums[2 * j + 1]);
  int sumi = 0;
  for (int j = 0; j < 8; ++j) {
    int sub = 0;
    for (int l = 0; l < 32; ++l) sub += values[32 * j + l] * x.qs[32 * j + l];
    sumi += scales[j] * sub;
  }
  const float d = x.d * tessera_f16_to_f32(d_half);
  const float dmin = x.d * tessera_f16_to_f32(dmin_half);
  return d * static_cast<float>(sumi) - dmin * static_cast<float>(sum_mins);
}

float dot_q4_k(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q4_k*>(weight);
  const auto* x = static_cast<const tessera_block_q8_k*>(activation);
  float sum = 0.0f;
  uint8_t values[TESSERA_QK_K];
  for (int64_t b = 0; b < n / TESSERA_QK_K; ++b) {
    for (int chunk = 0; chunk < 4; ++chunk) {
      for (int l = 0; l < 32; ++l) {
        values[64 * chunk + l] = w[b].qs[32 * chunk + l] & 0xF;
        values[64 * chunk + 32 + l] = w[b].qs[32 * chunk + l] >> 4;
      }
    }
    sum += finish_k4(values, w[b].scales, w[b].d, w[b].dmin, x[b]);
  }
  return sum;
}

float dot_q5_k(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q5_k*>(weight);
  const auto* x = static_cast<const tessera_block_q8_k*>(activation);
  float sum = 0.0f;
  uint8_t values[TESSERA_QK_K];
  for (int64_t b = 0; b < n / TESSERA_QK_K; ++b) {
    for (int chunk = 0; chunk < 4; ++chunk) {
      for (int l = 0; l < 32; ++l) {
        const int high_low = (w[b].qh[l] >> (2 * chunk)) & 1;
        const int high_high = (w[b].qh[l] >> (2 * chunk + 1)) & 1;
        values[64 * chunk + l] = static_cast<uint8_t>((w[b].qs[32 * chunk + l] & 0xF) | (high_low << 4));
        values[64 * chunk + 32 + l] = static_cast<uint8_t>((w[b].qs[32 * chunk + l] >> 4) | (high_high << 4));
      }
    }
    sum += finish_k4(values, w[b].scales, w[b].d, w[b].dmin, x[b]);
  }
  return sum;
}

float dot_q6_k(int64_t n, const void* weight, const void* activation) {
  const auto* w = static_cast<const tessera_block_q6_k*>(weight);
  const auto* x = static_cast<const tessera_block_q8_k*>(activation);
  float sum = 0.0f;
  int8_t values[TESSERA_QK_K];
  for (int64_t b = 0; b < n / TESSERA_QK_K; ++b) {
    const uint8_t* ql = w[b].ql;
    const uint8_t* qh = w[b].qh;
    for (int half = 0; half < 2; ++half, ql += 64, qh += 32) {
      int8_t* out = values + 128 * half;
      for (int l = 0; l < 32; ++l) {
        out[l] = static_cast<int8_t>(((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
        out[l + 32] = static_cast<int8_t>(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
        out[l + 64] = static_cast<int8_t>(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
        out[l + 96] = static_cast<int8_t>(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
      }
    }
    int sumi = 0;
    for (int s = 0; s < 16; ++s) {
      int sub = 0;
      for (int l = 0; l < 16; ++l) sub += values[16 * s + l] * x[b].qs[16 * s + l];
      sumi += w[b].scales[s] * sub;
    }
    sum += x[b].d * tessera_f16_to_f32(w[b].d) * static_cast<float>(sumi);
  }
  return sum;
}

const tessera_dot_kernels kScalarKernels = {
    {dot_f32, dot_f16, dot_bf16, dot_q8_0, dot_q4_0, dot_q4_1, dot_q4_k, dot_q5_k, dot_q6_k, dot_q5_0, dot_q5_1},
    {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace

const tessera_dot_kernels* scalar_dot_kernels() { return &kScalarKernels; }

}  // namespace tessera::cpu

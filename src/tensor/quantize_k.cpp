// Q4_K and Q5_K: super-blocks of 256 values in 8 sub-blocks of 32. Each sub-block stores a 6-bit
// scale code and a 6-bit min code; the super-block stores the f16 steps of those codes:
//     value = (d * scale_code) * level - (dmin * min_code),   level in 0..15 (Q4_K) or 0..31 (Q5_K).
//
// Quantization minimises the squared error of the super-block in three stages:
//  1. per sub-block, a search over candidate step sizes, each refined by alternating least-squares
//     fits of (scale, min) and re-rounding of the levels, gives a real-valued scale and min;
//  2. d and dmin are chosen so that the largest scale and min land on code 63, and every sub-block
//     picks the (scale_code, min_code) pair near its real values with the smallest exact error;
//  3. d and dmin are refitted by least squares to the chosen codes and levels and stage 2 repeats,
//     keeping whichever encoding reconstructs the input best.
// Errors are measured with the dequantizer's own float arithmetic, so they are the true errors.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "tensor/quantize_blocks.h"
#include "tessera/block_formats.h"

namespace tessera::reference {

namespace {

constexpr int kSubBlocks = TESSERA_QK_K / 32;
constexpr int kSubBlockSize = 32;
constexpr int kMaxCode = 63;
constexpr float kLargestHalf = 65504.0f;

// Stage 1 candidates divide a sub-block's range into max_level + step * kStepSize steps; a wider or
// finer search than this measurably changes neither the error nor the chosen codes.
constexpr int kLowestStep = -16;
constexpr int kHighestStep = 6;
constexpr float kStepSize = 0.2f;
constexpr int kLevelRefinements = 3;  // least-squares / re-rounding rounds per candidate (stage 1)
constexpr int kScaleRefinements = 3;  // refits of d and dmin (stage 3)

// A sub-block's values approximated as scale * level - minimum, with minimum >= 0.
struct SubBlockFit {
  float scale = 0.0f;
  float minimum = 0.0f;
};

// Unpacked Q4_K / Q5_K super-block.
struct AsymmetricBlock {
  std::uint16_t d = 0;
  std::uint16_t dmin = 0;
  std::array<std::uint8_t, kSubBlocks> scale_codes{};
  std::array<std::uint8_t, kSubBlocks> min_codes{};
  std::array<std::uint8_t, TESSERA_QK_K> levels{};
};

// Least-squares scale and offset of x ≈ scale * level + offset with offset <= 0 (the format
// subtracts a non-negative minimum). False when the levels do not determine a positive scale.
bool fit_scale_and_offset(const float* x, const int* levels, int n, float& scale, float& offset) {
  double sum_level = 0, sum_level_squared = 0, sum_x = 0, sum_x_level = 0;
  for (int i = 0; i < n; ++i) {
    sum_level += levels[i];
    sum_level_squared += static_cast<double>(levels[i]) * levels[i];
    sum_x += x[i];
    sum_x_level += static_cast<double>(x[i]) * levels[i];
  }
  const double determinant = n * sum_level_squared - sum_level * sum_level;
  double fitted_scale = 0;
  double fitted_offset = 0;
  if (determinant > 0) {
    fitted_scale = (n * sum_x_level - sum_level * sum_x) / determinant;
    fitted_offset = (sum_level_squared * sum_x - sum_level * sum_x_level) / determinant;
  }
  if (determinant <= 0 || fitted_offset > 0) {
    if (sum_level_squared <= 0) return false;
    fitted_scale = sum_x_level / sum_level_squared;
    fitted_offset = 0;
  }
  if (!(fitted_scale > 0)) return false;
  scale = static_cast<float>(fitted_scale);
  offset = static_cast<float>(fitted_offset);
  return true;
}

double fit_error(const float* x, const int* levels, int n, float scale, float offset) {
  double error = 0;
  for (int i = 0; i < n; ++i) {
    const double difference = static_cast<double>(scale) * levels[i] + offset - x[i];
    error += difference * difference;
  }
  return error;
}

// Stage 1: real-valued scale and min of one sub-block.
SubBlockFit fit_sub_block(const float* x, int max_level) {
  float low = x[0];
  float high = x[0];
  for (int i = 1; i < kSubBlockSize; ++i) {
    low = std::min(low, x[i]);
    high = std::max(high, x[i]);
  }
  low = std::min(low, 0.0f);
  if (!(high > low)) return {0.0f, -low};  // constant non-positive values

  SubBlockFit best{(high - low) / static_cast<float>(max_level), -low};
  double best_error = std::numeric_limits<double>::infinity();
  int levels[kSubBlockSize];
  for (int step = kLowestStep; step <= kHighestStep; ++step) {
    const float inverse =
        (static_cast<float>(max_level) + static_cast<float>(step) * kStepSize) / (high - low);
    for (int i = 0; i < kSubBlockSize; ++i) levels[i] = nearest_level(inverse * (x[i] - low), 0, max_level);
    for (int refinement = 0; refinement < kLevelRefinements; ++refinement) {
      float scale = 0;
      float offset = 0;
      if (!fit_scale_and_offset(x, levels, kSubBlockSize, scale, offset)) break;
      const double error = fit_error(x, levels, kSubBlockSize, scale, offset);
      if (error < best_error) {
        best_error = error;
        best = {scale, -offset};
      }
      bool changed = false;
      const float inverse_scale = 1.0f / scale;
      for (int i = 0; i < kSubBlockSize; ++i) {
        const int level = nearest_level((x[i] - offset) * inverse_scale, 0, max_level);
        changed = changed || level != levels[i];
        levels[i] = level;
      }
      if (!changed) break;
    }
  }
  return best;
}

// Exact squared error of one sub-block encoded with the given codes; the best levels go to levels.
double encode_sub_block(const float* x, float d, float dmin, int scale_code, int min_code, int max_level,
                        std::uint8_t* levels) {
  const float step = d * static_cast<float>(scale_code);
  const float offset = dmin * static_cast<float>(min_code);
  const float inverse_step = step > 0 ? 1.0f / step : 0.0f;
  double error = 0;
  for (int i = 0; i < kSubBlockSize; ++i) {
    const int level = nearest_level((x[i] + offset) * inverse_step, 0, max_level);
    levels[i] = static_cast<std::uint8_t>(level);
    const double difference = static_cast<double>(step * static_cast<float>(level) - offset) - x[i];
    error += difference * difference;
  }
  return error;
}

// Codes worth trying for a real value: those next to value / unit, within 0..63.
void candidate_codes(float value, float unit, int& first, int& last) {
  if (!(unit > 0)) {
    first = last = 0;
    return;
  }
  float ratio = value / unit;
  if (!(ratio > 0)) ratio = 0;  // also catches NaN from non-finite input
  ratio = std::min(ratio, static_cast<float>(kMaxCode));
  first = std::max(0, static_cast<int>(std::floor(ratio)) - 1);
  last = std::min(kMaxCode, static_cast<int>(std::ceil(ratio)) + 1);
}

// Stage 2: with d and dmin fixed (as f16), the best codes and levels of every sub-block.
double encode_with_steps(const float* x, const std::array<SubBlockFit, kSubBlocks>& fits, float d_target,
                         float dmin_target, int max_level, AsymmetricBlock& block) {
  block.d = tessera_f32_to_f16(std::min(d_target, kLargestHalf));
  block.dmin = tessera_f32_to_f16(std::min(dmin_target, kLargestHalf));
  const float d = tessera_f16_to_f32(block.d);
  const float dmin = tessera_f16_to_f32(block.dmin);
  double total = 0;
  std::uint8_t trial[kSubBlockSize];
  for (int j = 0; j < kSubBlocks; ++j) {
    const float* sub_block = x + j * kSubBlockSize;
    int first_scale = 0, last_scale = 0, first_min = 0, last_min = 0;
    candidate_codes(fits[j].scale, d, first_scale, last_scale);
    candidate_codes(fits[j].minimum, dmin, first_min, last_min);
    double best = std::numeric_limits<double>::infinity();
    for (int scale_code = first_scale; scale_code <= last_scale; ++scale_code) {
      for (int min_code = first_min; min_code <= last_min; ++min_code) {
        const double error = encode_sub_block(sub_block, d, dmin, scale_code, min_code, max_level, trial);
        if (error < best) {
          best = error;
          block.scale_codes[j] = static_cast<std::uint8_t>(scale_code);
          block.min_codes[j] = static_cast<std::uint8_t>(min_code);
          std::copy(trial, trial + kSubBlockSize, block.levels.begin() + j * kSubBlockSize);
        }
      }
    }
    total += best;
  }
  return total;
}

// Stage 3: least-squares d and dmin for fixed codes and levels,
// x ≈ d * (scale_code * level) - dmin * min_code.
bool refit_steps(const float* x, const AsymmetricBlock& block, float& d, float& dmin) {
  double uu = 0, uv = 0, vv = 0, xu = 0, xv = 0;
  for (int i = 0; i < TESSERA_QK_K; ++i) {
    const double u = static_cast<double>(block.scale_codes[i / kSubBlockSize]) * block.levels[i];
    const double v = -static_cast<double>(block.min_codes[i / kSubBlockSize]);
    uu += u * u;
    uv += u * v;
    vv += v * v;
    xu += x[i] * u;
    xv += x[i] * v;
  }
  const double determinant = uu * vv - uv * uv;
  if (determinant > 1e-9 * uu * vv) {
    d = static_cast<float>((xu * vv - xv * uv) / determinant);
    dmin = static_cast<float>((xv * uu - xu * uv) / determinant);
  } else if (uu > 0) {
    d = static_cast<float>(xu / uu);
    dmin = 0;
  } else {
    return false;
  }
  return d >= 0 && dmin >= 0 && std::isfinite(d) && std::isfinite(dmin);
}

AsymmetricBlock quantize_asymmetric(const float* x, int max_level) {
  std::array<SubBlockFit, kSubBlocks> fits;
  float largest_scale = 0;
  float largest_minimum = 0;
  for (int j = 0; j < kSubBlocks; ++j) {
    fits[j] = fit_sub_block(x + j * kSubBlockSize, max_level);
    largest_scale = std::max(largest_scale, fits[j].scale);
    largest_minimum = std::max(largest_minimum, fits[j].minimum);
  }
  float d = largest_scale / kMaxCode;
  float dmin = largest_minimum / kMaxCode;
  AsymmetricBlock best;
  double best_error = encode_with_steps(x, fits, d, dmin, max_level, best);
  AsymmetricBlock trial = best;
  for (int refinement = 0; refinement < kScaleRefinements; ++refinement) {
    if (!refit_steps(x, trial, d, dmin)) break;
    const double error = encode_with_steps(x, fits, d, dmin, max_level, trial);
    if (!(error < best_error)) break;
    best_error = error;
    best = trial;
  }
  return best;
}

// Inverse of the unpacking in the format: codes 0..3 in the low six bits of bytes 0..3 (scales)
// and 4..7 (mins); codes 4..7 split into a low nibble in bytes 8..11 and two high bits on top of
// bytes 0..7.
void pack_codes(const AsymmetricBlock& block, std::uint8_t* packed) {
  for (int j = 0; j < 4; ++j) {
    const int high_scale = block.scale_codes[j + 4];
    const int high_min = block.min_codes[j + 4];
    packed[j] = static_cast<std::uint8_t>(block.scale_codes[j] | ((high_scale >> 4) << 6));
    packed[j + 4] = static_cast<std::uint8_t>(block.min_codes[j] | ((high_min >> 4) << 6));
    packed[j + 8] = static_cast<std::uint8_t>((high_scale & 0x0F) | ((high_min & 0x0F) << 4));
  }
}

void unpack_codes(const std::uint8_t* packed, int* scale_codes, int* min_codes) {
  for (int j = 0; j < 4; ++j) {
    scale_codes[j] = packed[j] & 0x3F;
    min_codes[j] = packed[j + 4] & 0x3F;
    scale_codes[j + 4] = (packed[j + 8] & 0x0F) | ((packed[j] >> 2) & 0x30);
    min_codes[j + 4] = (packed[j + 8] >> 4) | ((packed[j + 4] >> 2) & 0x30);
  }
}

// Shared decoding: levels[256] already assembled from the type's bit planes.
void decode_asymmetric(std::uint16_t d_bits, std::uint16_t dmin_bits, const std::uint8_t* packed_codes,
                       const int* levels, float* out) {
  const float d = tessera_f16_to_f32(d_bits);
  const float dmin = tessera_f16_to_f32(dmin_bits);
  int scale_codes[kSubBlocks];
  int min_codes[kSubBlocks];
  unpack_codes(packed_codes, scale_codes, min_codes);
  for (int j = 0; j < kSubBlocks; ++j) {
    const float step = d * static_cast<float>(scale_codes[j]);
    const float offset = dmin * static_cast<float>(min_codes[j]);
    for (int i = j * kSubBlockSize; i < (j + 1) * kSubBlockSize; ++i) {
      out[i] = step * static_cast<float>(levels[i]) - offset;
    }
  }
}

// Sub-blocks 2c and 2c+1 share the 32 bytes qs[32c, 32c+32): low nibbles, then high nibbles.
int low_bits(const std::uint8_t* qs, int i) {
  const int chunk = i / 64;
  const int within = i % 64;
  return (qs[chunk * 32 + within % 32] >> (within < 32 ? 0 : 4)) & 0x0F;
}

void pack_low_bits(const std::array<std::uint8_t, TESSERA_QK_K>& levels, std::uint8_t* qs) {
  for (int chunk = 0; chunk < TESSERA_QK_K / 64; ++chunk) {
    for (int l = 0; l < 32; ++l) {
      qs[chunk * 32 + l] = static_cast<std::uint8_t>((levels[chunk * 64 + l] & 0x0F) |
                                                     ((levels[chunk * 64 + 32 + l] & 0x0F) << 4));
    }
  }
}

}  // namespace

void dequantize_q4_k(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q4_k>(source, b);
    int levels[TESSERA_QK_K];
    for (int i = 0; i < TESSERA_QK_K; ++i) levels[i] = low_bits(block.qs, i);
    decode_asymmetric(block.d, block.dmin, block.scales, levels, destination + b * TESSERA_QK_K);
  }
}

void quantize_q4_k(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const AsymmetricBlock fitted = quantize_asymmetric(source + b * TESSERA_QK_K, 15);
    tessera_block_q4_k block{};
    block.d = fitted.d;
    block.dmin = fitted.dmin;
    pack_codes(fitted, block.scales);
    pack_low_bits(fitted.levels, block.qs);
    store_block(destination, b, block);
  }
}

// Q5_K adds the fifth bit of the level of element 32 * j + l as bit j of qh[l].
void dequantize_q5_k(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q5_k>(source, b);
    int levels[TESSERA_QK_K];
    for (int i = 0; i < TESSERA_QK_K; ++i) {
      levels[i] = low_bits(block.qs, i) | (((block.qh[i % 32] >> (i / 32)) & 1) << 4);
    }
    decode_asymmetric(block.d, block.dmin, block.scales, levels, destination + b * TESSERA_QK_K);
  }
}

void quantize_q5_k(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const AsymmetricBlock fitted = quantize_asymmetric(source + b * TESSERA_QK_K, 31);
    tessera_block_q5_k block{};
    block.d = fitted.d;
    block.dmin = fitted.dmin;
    pack_codes(fitted, block.scales);
    pack_low_bits(fitted.levels, block.qs);
    for (int i = 0; i < TESSERA_QK_K; ++i) {
      block.qh[i % 32] =
          static_cast<std::uint8_t>(block.qh[i % 32] | (((fitted.levels[i] >> 4) & 1) << (i / 32)));
    }
    store_block(destination, b, block);
  }
}

}  // namespace tessera::reference

// Q6_K: super-blocks of 256 values in 16 sub-blocks of 16, each with a signed 8-bit scale code:
//     value = (d * scale_code) * (level - 32),   level in 0..63, scale_code in -128..127.
//
// Quantization minimises the squared error of the super-block:
//  1. per sub-block, a search over candidate step sizes (the largest value mapped to either end of
//     the asymmetric range -32..31), each refined by alternating least-squares fits of the scale and
//     re-rounding of the levels, gives a real-valued scale;
//  2. d is chosen so that the largest scale lands on code -128 (or 127), and every sub-block picks
//     the code near its real scale with the smallest exact error;
//  3. d is refitted by least squares to the chosen codes and levels and stage 2 repeats, keeping
//     whichever encoding reconstructs the input best.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "tensor/quantize_blocks.h"
#include "tessera/block_formats.h"

namespace tessera::reference {

namespace {

constexpr int kSubBlocks = TESSERA_QK_K / 16;
constexpr int kSubBlockSize = 16;
constexpr int kLowestLevel = -32;
constexpr int kHighestLevel = 31;
constexpr int kLowestCode = -128;
constexpr int kHighestCode = 127;
constexpr float kLargestHalf = 65504.0f;

// Stage 1 candidates map a sub-block's largest magnitude to kWidestLevel - step * kStepSize levels
// (33 down to 26), towards either end of the range.
constexpr float kWidestLevel = 33.0f;
constexpr int kSteps = 28;
constexpr float kStepSize = 0.25f;
constexpr int kLevelRefinements = 3;  // least-squares / re-rounding rounds per candidate (stage 1)
constexpr int kScaleRefinements = 3;  // refits of d (stage 3)

// Unpacked super-block; levels are signed, -32..31.
struct SymmetricBlock {
  std::uint16_t d = 0;
  std::array<std::int8_t, kSubBlocks> codes{};
  std::array<std::int8_t, TESSERA_QK_K> levels{};
};

double symmetric_error(const float* x, const int* levels, double scale) {
  double error = 0;
  for (int i = 0; i < kSubBlockSize; ++i) {
    const double difference = scale * levels[i] - x[i];
    error += difference * difference;
  }
  return error;
}

// Stage 1: real-valued scale of one sub-block, x ≈ scale * level.
float fit_sub_block(const float* x) {
  float largest = 0;
  for (int i = 0; i < kSubBlockSize; ++i) {
    if (std::fabs(x[i]) > std::fabs(largest)) largest = x[i];
  }
  if (largest == 0) return 0;

  float best_scale = largest / static_cast<float>(kLowestLevel);
  double best_error = std::numeric_limits<double>::infinity();
  int levels[kSubBlockSize];
  for (const float direction : {-1.0f, 1.0f}) {
    for (int step = 0; step <= kSteps; ++step) {
      const float inverse = direction * (kWidestLevel - static_cast<float>(step) * kStepSize) / largest;
      for (int i = 0; i < kSubBlockSize; ++i)
        levels[i] = nearest_level(inverse * x[i], kLowestLevel, kHighestLevel);
      for (int refinement = 0; refinement < kLevelRefinements; ++refinement) {
        double sum_x_level = 0;
        double sum_level_squared = 0;
        for (int i = 0; i < kSubBlockSize; ++i) {
          sum_x_level += static_cast<double>(x[i]) * levels[i];
          sum_level_squared += static_cast<double>(levels[i]) * levels[i];
        }
        if (sum_level_squared <= 0) break;
        const double scale = sum_x_level / sum_level_squared;
        if (scale == 0) break;
        const double error = symmetric_error(x, levels, scale);
        if (error < best_error) {
          best_error = error;
          best_scale = static_cast<float>(scale);
        }
        bool changed = false;
        const auto inverse_scale = static_cast<float>(1.0 / scale);
        for (int i = 0; i < kSubBlockSize; ++i) {
          const int level = nearest_level(x[i] * inverse_scale, kLowestLevel, kHighestLevel);
          changed = changed || level != levels[i];
          levels[i] = level;
        }
        if (!changed) break;
      }
    }
  }
  return best_scale;
}

// Exact squared error of one sub-block encoded with scale code `code`; the best levels go to levels.
double encode_sub_block(const float* x, float d, int code, std::int8_t* levels) {
  const float step = d * static_cast<float>(code);
  const float inverse_step = step != 0 ? 1.0f / step : 0.0f;
  double error = 0;
  for (int i = 0; i < kSubBlockSize; ++i) {
    const int level = nearest_level(x[i] * inverse_step, kLowestLevel, kHighestLevel);
    levels[i] = static_cast<std::int8_t>(level);
    const double difference = static_cast<double>(step * static_cast<float>(level)) - x[i];
    error += difference * difference;
  }
  return error;
}

// Stage 2: with d fixed (as f16), the best code and levels of every sub-block.
double encode_with_step(const float* x, const std::array<float, kSubBlocks>& scales, float d_target,
                        SymmetricBlock& block) {
  block.d = tessera_f32_to_f16(std::clamp(d_target, -kLargestHalf, kLargestHalf));
  const float d = tessera_f16_to_f32(block.d);
  double total = 0;
  std::int8_t trial[kSubBlockSize];
  for (int j = 0; j < kSubBlocks; ++j) {
    const float* sub_block = x + j * kSubBlockSize;
    int first = 0;
    int last = 0;
    if (d != 0) {
      float ratio = scales[j] / d;
      if (std::isnan(ratio)) ratio = 0;  // non-finite input
      ratio = std::clamp(ratio, static_cast<float>(kLowestCode), static_cast<float>(kHighestCode));
      first = std::max(kLowestCode, static_cast<int>(std::floor(ratio)) - 1);
      last = std::min(kHighestCode, static_cast<int>(std::ceil(ratio)) + 1);
    }
    double best = std::numeric_limits<double>::infinity();
    for (int code = first; code <= last; ++code) {
      const double error = encode_sub_block(sub_block, d, code, trial);
      if (error < best) {
        best = error;
        block.codes[j] = static_cast<std::int8_t>(code);
        std::copy(trial, trial + kSubBlockSize, block.levels.begin() + j * kSubBlockSize);
      }
    }
    total += best;
  }
  return total;
}

// Stage 3: least-squares d for fixed codes and levels, x ≈ d * (code * level).
bool refit_step(const float* x, const SymmetricBlock& block, float& d) {
  double uu = 0;
  double xu = 0;
  for (int i = 0; i < TESSERA_QK_K; ++i) {
    const double u = static_cast<double>(block.codes[i / kSubBlockSize]) * block.levels[i];
    uu += u * u;
    xu += x[i] * u;
  }
  if (!(uu > 0)) return false;
  d = static_cast<float>(xu / uu);
  return std::isfinite(d) && d != 0;
}

SymmetricBlock quantize_symmetric(const float* x) {
  std::array<float, kSubBlocks> scales;
  float largest = 0;
  for (int j = 0; j < kSubBlocks; ++j) {
    scales[j] = fit_sub_block(x + j * kSubBlockSize);
    if (std::fabs(scales[j]) > std::fabs(largest)) largest = scales[j];
  }
  SymmetricBlock best;
  double best_error = std::numeric_limits<double>::infinity();
  // The code range is asymmetric too: try the largest scale at either end.
  for (const float end_code : {static_cast<float>(kLowestCode), static_cast<float>(kHighestCode)}) {
    float d = largest / end_code;
    SymmetricBlock trial;
    double error = encode_with_step(x, scales, d, trial);
    for (int refinement = 0; refinement <= kScaleRefinements; ++refinement) {
      if (error < best_error) {
        best_error = error;
        best = trial;
      } else if (refinement > 0) {
        break;
      }
      if (!refit_step(x, trial, d)) break;
      error = encode_with_step(x, scales, d, trial);
    }
  }
  return best;
}

}  // namespace

// Element 128h + r (h = half, r < 128) has its low four bits in ql[64h + r % 64] (low nibble for
// r < 64, high nibble above) and its top two bits at bit 2 * (r / 32) of qh[32h + r % 32].
void dequantize_q6_k(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q6_k>(source, b);
    const float d = tessera_f16_to_f32(block.d);
    float* out = destination + b * TESSERA_QK_K;
    for (int i = 0; i < TESSERA_QK_K; ++i) {
      const int half = i / 128;
      const int r = i % 128;
      const int low = (block.ql[64 * half + r % 64] >> (r < 64 ? 0 : 4)) & 0x0F;
      const int high = (block.qh[32 * half + r % 32] >> (2 * (r / 32))) & 0x03;
      const float step = d * static_cast<float>(block.scales[i / kSubBlockSize]);
      out[i] = step * static_cast<float>((low | (high << 4)) - 32);
    }
  }
}

void quantize_q6_k(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const SymmetricBlock fitted = quantize_symmetric(source + b * TESSERA_QK_K);
    tessera_block_q6_k block{};
    block.d = fitted.d;
    for (int j = 0; j < kSubBlocks; ++j) block.scales[j] = fitted.codes[j];
    for (int i = 0; i < TESSERA_QK_K; ++i) {
      const int stored = fitted.levels[i] + 32;
      const int half = i / 128;
      const int r = i % 128;
      block.ql[64 * half + r % 64] =
          static_cast<std::uint8_t>(block.ql[64 * half + r % 64] | ((stored & 0x0F) << (r < 64 ? 0 : 4)));
      block.qh[32 * half + r % 32] =
          static_cast<std::uint8_t>(block.qh[32 * half + r % 32] | ((stored >> 4) << (2 * (r / 32))));
    }
    store_block(destination, b, block);
  }
}

}  // namespace tessera::reference

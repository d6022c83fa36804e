// Per-type reference kernels behind quantize.h, one family per source file. Callers have already
// checked the counts; pointers to encoded data may be unaligned (blocks are copied out with memcpy).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace tessera::reference {

// Plain floating-point types (convert_float.cpp); count is in elements.
void dequantize_f16(const void* source, float* destination, std::int64_t count);
void quantize_f16(const float* source, void* destination, std::int64_t count);
void dequantize_bf16(const void* source, float* destination, std::int64_t count);
void quantize_bf16(const float* source, void* destination, std::int64_t count);

// 32-element blocks (quantize_legacy.cpp, Q5_0 and Q5_1 in quantize_q5.cpp); block_count blocks of 32 elements.
void dequantize_q4_0(const void* source, float* destination, std::int64_t block_count);
void quantize_q4_0(const float* source, void* destination, std::int64_t block_count);
void dequantize_q4_1(const void* source, float* destination, std::int64_t block_count);
void quantize_q4_1(const float* source, void* destination, std::int64_t block_count);
void dequantize_q5_0(const void* source, float* destination, std::int64_t block_count);
void quantize_q5_0(const float* source, void* destination, std::int64_t block_count);
void dequantize_q5_1(const void* source, float* destination, std::int64_t block_count);
void quantize_q5_1(const float* source, void* destination, std::int64_t block_count);
void dequantize_q8_0(const void* source, float* destination, std::int64_t block_count);
void quantize_q8_0(const float* source, void* destination, std::int64_t block_count);

// 256-element super-blocks with 6-bit sub-block scales and mins (quantize_k.cpp).
void dequantize_q4_k(const void* source, float* destination, std::int64_t block_count);
void quantize_q4_k(const float* source, void* destination, std::int64_t block_count);
void dequantize_q5_k(const void* source, float* destination, std::int64_t block_count);
void quantize_q5_k(const float* source, void* destination, std::int64_t block_count);

// 256-element super-blocks with int8 sub-block scales (quantize_q6_k.cpp).
void dequantize_q6_k(const void* source, float* destination, std::int64_t block_count);
void quantize_q6_k(const float* source, void* destination, std::int64_t block_count);

// Nearest integer level to value within [lowest, highest]; NaN maps to lowest. Clamping happens in
// float so that no out-of-range float is ever converted to int.
inline int nearest_level(float value, int lowest, int highest) {
  if (!(value > static_cast<float>(lowest))) return lowest;
  if (value >= static_cast<float>(highest)) return highest;
  return static_cast<int>(std::nearbyint(value));
}

// 1/scale, or 0 for a zero scale so that an all-zero block encodes without dividing by zero.
inline float inverse_or_zero(float scale) {
  return scale == 0.0f ? 0.0f : 1.0f / scale;
}

// The gguf quantizers truncate toward zero, convert to uint8 and clip to 0..highest; for the values
// that occur (never below zero, never past 255) that equals truncating and clamping. NaN maps to 0.
inline int truncate_to_level(float value, int highest) {
  const float truncated = std::trunc(value);
  if (!(truncated > 0.0f)) return 0;
  if (truncated >= static_cast<float>(highest)) return highest;
  return static_cast<int>(truncated);
}

// Block `index` of an encoded row, copied out so that the row needs no alignment.
template <typename Block>
Block load_block(const void* source, std::int64_t index) {
  Block block;
  std::memcpy(&block,
              static_cast<const unsigned char*>(source) + index * static_cast<std::int64_t>(sizeof(Block)),
              sizeof(Block));
  return block;
}

template <typename Block>
void store_block(void* destination, std::int64_t index, const Block& block) {
  std::memcpy(static_cast<unsigned char*>(destination) + index * static_cast<std::int64_t>(sizeof(Block)),
              &block, sizeof(Block));
}

}  // namespace tessera::reference

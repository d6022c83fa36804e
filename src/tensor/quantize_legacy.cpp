// Q4_0, Q4_1 and Q8_0: 32-element blocks with one f16 scale (and an f16 minimum for Q4_1).
// Quantization repeats the gguf package's float32 arithmetic step by step, one rounding per
// operation (the library is built without floating-point contraction), so the bytes are identical.
#include <cmath>
#include <cstring>

#include "tensor/quantize_blocks.h"
#include "tessera/block_formats.h"

namespace tessera::reference {

namespace {

// Element j goes to the low nibble of byte j, element j+16 to the high nibble.
void pack_nibbles(const int* levels, std::uint8_t* packed) {
  for (int j = 0; j < 16; ++j) packed[j] = static_cast<std::uint8_t>(levels[j] | (levels[j + 16] << 4));
}

}  // namespace

void dequantize_q4_0(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q4_0>(source, b);
    const float scale = tessera_f16_to_f32(block.d);
    float* out = destination + b * TESSERA_QK4_0;
    for (int j = 0; j < 16; ++j) {
      out[j] = scale * static_cast<float>((block.qs[j] & 0x0F) - 8);
      out[j + 16] = scale * static_cast<float>((block.qs[j] >> 4) - 8);
    }
  }
}

void quantize_q4_0(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const float* x = source + b * TESSERA_QK4_0;
    // The signed value of largest magnitude, first one on ties (numpy's argmax), maps to level 0.
    float largest = x[0];
    for (int j = 1; j < TESSERA_QK4_0; ++j) {
      if (std::fabs(x[j]) > std::fabs(largest)) largest = x[j];
    }
    const float scale = largest / -8.0f;
    const float inverse = inverse_or_zero(scale);
    int levels[TESSERA_QK4_0];
    for (int j = 0; j < TESSERA_QK4_0; ++j) levels[j] = truncate_to_level(x[j] * inverse + 8.5f, 15);
    tessera_block_q4_0 block{};
    block.d = tessera_f32_to_f16(scale);
    pack_nibbles(levels, block.qs);
    store_block(destination, b, block);
  }
}

void dequantize_q4_1(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q4_1>(source, b);
    const float scale = tessera_f16_to_f32(block.d);
    const float minimum = tessera_f16_to_f32(block.m);
    float* out = destination + b * TESSERA_QK4_1;
    for (int j = 0; j < 16; ++j) {
      out[j] = scale * static_cast<float>(block.qs[j] & 0x0F) + minimum;
      out[j + 16] = scale * static_cast<float>(block.qs[j] >> 4) + minimum;
    }
  }
}

void quantize_q4_1(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const float* x = source + b * TESSERA_QK4_1;
    float minimum = x[0];
    float maximum = x[0];
    for (int j = 1; j < TESSERA_QK4_1; ++j) {
      if (x[j] < minimum) minimum = x[j];
      if (x[j] > maximum) maximum = x[j];
    }
    const float scale = (maximum - minimum) / 15.0f;
    const float inverse = inverse_or_zero(scale);
    int levels[TESSERA_QK4_1];
    for (int j = 0; j < TESSERA_QK4_1; ++j) levels[j] = truncate_to_level((x[j] - minimum) * inverse + 0.5f, 15);
    tessera_block_q4_1 block{};
    block.d = tessera_f32_to_f16(scale);
    block.m = tessera_f32_to_f16(minimum);
    pack_nibbles(levels, block.qs);
    store_block(destination, b, block);
  }
}

void dequantize_q8_0(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q8_0>(source, b);
    const float scale = tessera_f16_to_f32(block.d);
    float* out = destination + b * TESSERA_QK8_0;
    for (int j = 0; j < TESSERA_QK8_0; ++j) out[j] = static_cast<float>(block.qs[j]) * scale;
  }
}

void quantize_q8_0(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const float* x = source + b * TESSERA_QK8_0;
    float largest_magnitude = 0.0f;
    for (int j = 0; j < TESSERA_QK8_0; ++j) largest_magnitude = std::fmax(largest_magnitude, std::fabs(x[j]));
    const float scale = largest_magnitude / 127.0f;
    const float inverse = inverse_or_zero(scale);
    tessera_block_q8_0 block{};
    block.d = tessera_f32_to_f16(scale);
    // Halves round away from zero (std::round), as llama.cpp's roundf and gguf's np_roundf do.
    for (int j = 0; j < TESSERA_QK8_0; ++j) {
      const float rounded = std::round(x[j] * inverse);
      block.qs[j] = static_cast<std::int8_t>(nearest_level(rounded, -127, 127));
    }
    store_block(destination, b, block);
  }
}

}  // namespace tessera::reference

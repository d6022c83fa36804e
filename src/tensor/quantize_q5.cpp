// Q5_0 and Q5_1: 32-element blocks of 5-bit levels with one f16 scale (and an f16 minimum for Q5_1).
// The low four bits of each level are packed as in Q4_0 / Q4_1, the fifth bits gathered in a 32-bit
// word. Quantization repeats the gguf package's float32 arithmetic step by step, so the bytes match.
#include <cmath>
#include <cstdint>

#include "tensor/quantize_blocks.h"
#include "tessera/block_formats.h"

namespace tessera::reference {

namespace {

constexpr int kBlock = 32;

// Level of element j: its low nibble from qs, its fifth bit from bit j of qh.
int level(const std::uint8_t* qs, const std::uint8_t* qh, int j) {
  const int nibble = j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4);
  const int fifth_bit = (qh[j / 8] >> (j % 8)) & 1;
  return nibble | (fifth_bit << 4);
}

// Splits 32 levels (0..31) into nibbles (element j low in qs[j], element j+16 high) and fifth bits.
void pack_levels(const int* levels, std::uint8_t* qs, std::uint8_t* qh) {
  for (int j = 0; j < 16; ++j) qs[j] = static_cast<std::uint8_t>((levels[j] & 0x0F) | ((levels[j + 16] & 0x0F) << 4));
  for (int byte = 0; byte < 4; ++byte) {
    int bits = 0;
    for (int bit = 0; bit < 8; ++bit) bits |= (levels[8 * byte + bit] >> 4) << bit;
    qh[byte] = static_cast<std::uint8_t>(bits);
  }
}

}  // namespace

void dequantize_q5_0(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q5_0>(source, b);
    const float scale = tessera_f16_to_f32(block.d);
    float* out = destination + b * kBlock;
    for (int j = 0; j < kBlock; ++j) out[j] = scale * static_cast<float>(level(block.qs, block.qh, j) - 16);
  }
}

void quantize_q5_0(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const float* x = source + b * kBlock;
    // The signed value of largest magnitude, first one on ties (numpy's argmax), maps to level 0.
    float largest = x[0];
    for (int j = 1; j < kBlock; ++j) {
      if (std::fabs(x[j]) > std::fabs(largest)) largest = x[j];
    }
    const float scale = largest / -16.0f;
    const float inverse = inverse_or_zero(scale);
    int levels[kBlock];
    for (int j = 0; j < kBlock; ++j) levels[j] = truncate_to_level(x[j] * inverse + 16.5f, 31);
    tessera_block_q5_0 block{};
    block.d = tessera_f32_to_f16(scale);
    pack_levels(levels, block.qs, block.qh);
    store_block(destination, b, block);
  }
}

void dequantize_q5_1(const void* source, float* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const auto block = load_block<tessera_block_q5_1>(source, b);
    const float scale = tessera_f16_to_f32(block.d);
    const float minimum = tessera_f16_to_f32(block.m);
    float* out = destination + b * kBlock;
    for (int j = 0; j < kBlock; ++j) out[j] = scale * static_cast<float>(level(block.qs, block.qh, j)) + minimum;
  }
}

void quantize_q5_1(const float* source, void* destination, std::int64_t block_count) {
  for (std::int64_t b = 0; b < block_count; ++b) {
    const float* x = source + b * kBlock;
    float minimum = x[0];
    float maximum = x[0];
    for (int j = 1; j < kBlock; ++j) {
      if (x[j] < minimum) minimum = x[j];
      if (x[j] > maximum) maximum = x[j];
    }
    const float scale = (maximum - minimum) / 31.0f;
    const float inverse = inverse_or_zero(scale);
    int levels[kBlock];
    for (int j = 0; j < kBlock; ++j) levels[j] = truncate_to_level((x[j] - minimum) * inverse + 0.5f, 31);
    tessera_block_q5_1 block{};
    block.d = tessera_f32_to_f16(scale);
    block.m = tessera_f32_to_f16(minimum);
    pack_levels(levels, block.qs, block.qh);
    store_block(destination, b, block);
  }
}

}  // namespace tessera::reference

// F16 and BF16 rows, bit-exact with numpy's casts and the gguf package's BF16 conversion.
#include <cstring>

#include "tensor/quantize_blocks.h"
#include "tessera/block_formats.h"

namespace tessera::reference {

namespace {

// numpy keeps the top ten payload bits of a NaN (forcing one bit on so it stays a NaN) where the
// shared helper returns a single quiet NaN; matching numpy keeps F16 output byte-identical.
std::uint16_t f32_to_f16_like_numpy(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
    const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
    auto payload = static_cast<std::uint16_t>((bits & 0x7FFFFFu) >> 13);
    if (payload == 0) payload = 1;
    return static_cast<std::uint16_t>(sign | 0x7C00u | payload);
  }
  return tessera_f32_to_f16(value);
}

std::uint16_t load_u16(const void* source, std::int64_t index) {
  std::uint16_t value = 0;
  std::memcpy(&value, static_cast<const unsigned char*>(source) + index * 2, sizeof value);
  return value;
}

void store_u16(void* destination, std::int64_t index, std::uint16_t value) {
  std::memcpy(static_cast<unsigned char*>(destination) + index * 2, &value, sizeof value);
}

}  // namespace

void dequantize_f16(const void* source, float* destination, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) destination[i] = tessera_f16_to_f32(load_u16(source, i));
}

void quantize_f16(const float* source, void* destination, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) store_u16(destination, i, f32_to_f16_like_numpy(source[i]));
}

void dequantize_bf16(const void* source, float* destination, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) destination[i] = tessera_bf16_to_f32(load_u16(source, i));
}

void quantize_bf16(const float* source, void* destination, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) store_u16(destination, i, tessera_f32_to_bf16(source[i]));
}

}  // namespace tessera::reference

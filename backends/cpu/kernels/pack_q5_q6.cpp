// Row r's share of a rows16 packed block (kernels/packed.h) for Q5_0, Q5_1 and Q6_K, and the inverse,
// which the scalar packed kernels use to rebuild plain blocks.
#include <cstddef>
#include <cstring>

#include "kernels/packed.h"

namespace tessera::cpu {

namespace {

constexpr int kChunkBytes = TESSERA_ROWS16_CHUNK;

int q5_fifth_offset(int32_t dtype) {
  return dtype == TESSERA_DTYPE_Q5_1 ? TESSERA_ROWS16_Q5_1_FIFTH : TESSERA_ROWS16_Q5_0_FIFTH;
}

constexpr int kQ6kD = TESSERA_ROWS16_Q6_K_D, kQ6kLow = TESSERA_ROWS16_Q6_K_LOW,
              kQ6kHigh = TESSERA_ROWS16_Q6_K_HIGH;

// Byte offsets of the plain fields of a Q5 block; m_offset is -1 for Q5_0, which has none.
struct Q5Fields {
  int m_offset, qh_offset, qs_offset;
};
Q5Fields q5_fields(int32_t dtype) {
  if (dtype == TESSERA_DTYPE_Q5_1) {
    return {offsetof(tessera_block_q5_1, m), offsetof(tessera_block_q5_1, qh),
            offsetof(tessera_block_q5_1, qs)};
  }
  return {-1, offsetof(tessera_block_q5_0, qh), offsetof(tessera_block_q5_0, qs)};
}

}  // namespace

void pack_q5_row_block(int32_t weight_dtype, const void* plain, int r, unsigned char* block) {
  const Q5Fields fields = q5_fields(weight_dtype);
  const auto* source = static_cast<const unsigned char*>(plain);
  std::memcpy(block + 2 * r, source, 2);  // d
  if (fields.m_offset >= 0) std::memcpy(block + 32 + 2 * r, source + fields.m_offset, 2);
  uint32_t qh;  // bit j: fifth bit of element j
  std::memcpy(&qh, source + fields.qh_offset, 4);
  unsigned char* fifth = block + q5_fifth_offset(weight_dtype) + 4 * r;
  for (int k = 0; k < 4; ++k) {
    unsigned value = 0;
    for (int c = 0; c < 4; ++c) {
      value |= ((qh >> (4 * c + k)) & 1u) << c;
      value |= ((qh >> (16 + 4 * c + k)) & 1u) << (4 + c);
    }
    fifth[k] = static_cast<unsigned char>(value);
  }
  unsigned char* quants = block + q5_fifth_offset(weight_dtype) + kChunkBytes;
  for (int c = 0; c < 4; ++c)
    std::memcpy(quants + c * kChunkBytes + 4 * r, source + fields.qs_offset + 4 * c, 4);
}

void unpack_q5_row_block(int32_t weight_dtype, const unsigned char* block, int r, void* plain) {
  const Q5Fields fields = q5_fields(weight_dtype);
  auto* target = static_cast<unsigned char*>(plain);
  std::memcpy(target, block + 2 * r, 2);  // d
  if (fields.m_offset >= 0) std::memcpy(target + fields.m_offset, block + 32 + 2 * r, 2);
  const unsigned char* fifth = block + q5_fifth_offset(weight_dtype) + 4 * r;
  uint32_t qh = 0;
  for (int k = 0; k < 4; ++k) {
    for (int c = 0; c < 4; ++c) {
      qh |= static_cast<uint32_t>((fifth[k] >> c) & 1u) << (4 * c + k);
      qh |= static_cast<uint32_t>((fifth[k] >> (4 + c)) & 1u) << (16 + 4 * c + k);
    }
  }
  std::memcpy(target + fields.qh_offset, &qh, 4);
  const unsigned char* quants = block + q5_fifth_offset(weight_dtype) + kChunkBytes;
  for (int c = 0; c < 4; ++c)
    std::memcpy(target + fields.qs_offset + 4 * c, quants + c * kChunkBytes + 4 * r, 4);
}

void pack_q6_k_row_block(const tessera_block_q6_k& plain, int r, unsigned char* block) {
  for (int s = 0; s < 16; ++s) block[TESSERA_ROWS16 * s + r] = static_cast<unsigned char>(plain.scales[s]);
  std::memcpy(block + kQ6kD + 2 * r, &plain.d, 2);
  for (int c = 0; c < 32; ++c) std::memcpy(block + kQ6kLow + c * kChunkBytes + 4 * r, plain.ql + 4 * c, 4);
  for (int c = 0; c < 16; ++c) std::memcpy(block + kQ6kHigh + c * kChunkBytes + 4 * r, plain.qh + 4 * c, 4);
}

void unpack_q6_k_row_block(const unsigned char* block, int r, tessera_block_q6_k* plain) {
  for (int s = 0; s < 16; ++s) plain->scales[s] = static_cast<int8_t>(block[TESSERA_ROWS16 * s + r]);
  std::memcpy(&plain->d, block + kQ6kD + 2 * r, 2);
  for (int c = 0; c < 32; ++c) std::memcpy(plain->ql + 4 * c, block + kQ6kLow + c * kChunkBytes + 4 * r, 4);
  for (int c = 0; c < 16; ++c) std::memcpy(plain->qh + 4 * c, block + kQ6kHigh + c * kChunkBytes + 4 * r, 4);
}

}  // namespace tessera::cpu

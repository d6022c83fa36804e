// Packing of matmul weights into the rows16 layout (kernels/packed.h) and the scalar packed kernels,
// which rebuild each row's plain blocks and use the scalar plain-layout dot products.
#include <cstddef>
#include <cstring>
#include <vector>

#include "cpu_backend.h"
#include "kernels/packed.h"

namespace tessera::cpu {

namespace {

constexpr int64_t kChunkBytes = TESSERA_ROWS16_CHUNK;

// Bytes of the per-row scales at the start of a packed block: d (and m for Q4_1), f16 each.
int64_t scale_bytes(int32_t dtype) { return dtype == TESSERA_DTYPE_Q4_1 ? 64 : 32; }

constexpr int64_t kQ4kScales = TESSERA_ROWS16_Q4_K_SCALES, kQ4kMins = TESSERA_ROWS16_Q4_K_MINS;
constexpr int64_t kQ4kQuants = TESSERA_ROWS16_Q4_K_QUANTS, kQ4kBlockBytes = TESSERA_ROWS16_Q4_K_BLOCK;
constexpr int64_t kQ6kBlockBytes = TESSERA_ROWS16_Q6_K_BLOCK;  // filled by pack_q5_q6.cpp

void pack_q4_k_row_block(const tessera_block_q4_k& source, int r, unsigned char* block) {
  std::memcpy(block + 2 * r, &source.d, 2);
  std::memcpy(block + 32 + 2 * r, &source.dmin, 2);
  for (int j = 0; j < 8; ++j) {
    uint8_t scale, min;
    if (j < 4) {
      scale = source.scales[j] & 63;
      min = source.scales[j + 4] & 63;
    } else {
      scale = static_cast<uint8_t>((source.scales[j + 4] & 0xF) | ((source.scales[j - 4] >> 6) << 4));
      min = static_cast<uint8_t>((source.scales[j + 4] >> 4) | ((source.scales[j] >> 6) << 4));
    }
    block[kQ4kScales + 16 * j + r] = scale;
    block[kQ4kMins + 16 * j + r] = min;
  }
  for (int chunk = 0; chunk < 32; ++chunk) std::memcpy(block + kQ4kQuants + chunk * kChunkBytes + 4 * r, source.qs + 4 * chunk, 4);
}

// The inverse: row r's plain Q4_K block, with the 6-bit scales packed back into their 12 bytes.
void unpack_q4_k_row_block(const unsigned char* block, int r, tessera_block_q4_k* plain) {
  std::memcpy(&plain->d, block + 2 * r, 2);
  std::memcpy(&plain->dmin, block + 32 + 2 * r, 2);
  uint8_t scale[8], min[8];
  for (int j = 0; j < 8; ++j) {
    scale[j] = block[kQ4kScales + 16 * j + r];
    min[j] = block[kQ4kMins + 16 * j + r];
  }
  for (int j = 0; j < 4; ++j) {
    plain->scales[j] = static_cast<uint8_t>(scale[j] | ((scale[j + 4] >> 4) << 6));
    plain->scales[j + 4] = static_cast<uint8_t>(min[j] | ((min[j + 4] >> 4) << 6));
    plain->scales[j + 8] = static_cast<uint8_t>((scale[j + 4] & 0xF) | ((min[j + 4] & 0xF) << 4));
  }
  for (int chunk = 0; chunk < 32; ++chunk) std::memcpy(plain->qs + 4 * chunk, block + kQ4kQuants + chunk * kChunkBytes + 4 * r, 4);
}
int64_t quant_bytes_per_row(int32_t dtype) { return dtype == TESSERA_DTYPE_Q8_0 ? 32 : 16; }

// Offsets of the scale and quant fields inside one plain block of each type.
struct PlainBlock {
  int64_t bytes;
  int64_t quants_offset;
};
PlainBlock plain_block(int32_t dtype) {
  switch (dtype) {
    case TESSERA_DTYPE_Q8_0: return {sizeof(tessera_block_q8_0), offsetof(tessera_block_q8_0, qs)};
    case TESSERA_DTYPE_Q4_0: return {sizeof(tessera_block_q4_0), offsetof(tessera_block_q4_0, qs)};
    case TESSERA_DTYPE_Q4_K: return {sizeof(tessera_block_q4_k), offsetof(tessera_block_q4_k, qs)};
    case TESSERA_DTYPE_Q5_0: return {sizeof(tessera_block_q5_0), offsetof(tessera_block_q5_0, qs)};
    case TESSERA_DTYPE_Q5_1: return {sizeof(tessera_block_q5_1), offsetof(tessera_block_q5_1, qs)};
    case TESSERA_DTYPE_Q6_K: return {sizeof(tessera_block_q6_k), offsetof(tessera_block_q6_k, ql)};
    default: return {sizeof(tessera_block_q4_1), offsetof(tessera_block_q4_1, qs)};
  }
}

// Rebuilds the plain block of row `row` of a packed block (the inverse of pack_rows16 for one block).
void unpack_block(int32_t dtype, const unsigned char* packed, int row, unsigned char* plain) {
  if (dtype == TESSERA_DTYPE_Q4_K) {
    unpack_q4_k_row_block(packed, row, reinterpret_cast<tessera_block_q4_k*>(plain));
    return;
  }
  if (dtype == TESSERA_DTYPE_Q6_K) {
    unpack_q6_k_row_block(packed, row, reinterpret_cast<tessera_block_q6_k*>(plain));
    return;
  }
  if (dtype == TESSERA_DTYPE_Q5_0 || dtype == TESSERA_DTYPE_Q5_1) {
    unpack_q5_row_block(dtype, packed, row, plain);
    return;
  }
  const PlainBlock layout = plain_block(dtype);
  std::memcpy(plain, packed + 2 * row, 2);                                          // d
  if (dtype == TESSERA_DTYPE_Q4_1) std::memcpy(plain + 2, packed + 32 + 2 * row, 2);  // m
  const unsigned char* quants = packed + scale_bytes(dtype);
  for (int64_t chunk = 0; chunk < quant_bytes_per_row(dtype) / 4; ++chunk) {
    std::memcpy(plain + layout.quants_offset + 4 * chunk, quants + chunk * kChunkBytes + 4 * row, 4);
  }
}

void scalar_packed_tile(int32_t dtype, int64_t n_in, const void* group, const void* activation,
                        int64_t activation_stride, int n_activations, float* out, int64_t out_stride, int n_rows) {
  const int kind = dot_index(dtype);
  const tessera_vec_dot_fn dot = scalar_dot_kernels()->dot[kind];
  const PlainBlock layout = plain_block(dtype);
  const int64_t n_blocks = n_in / block_elements(dtype);
  const int64_t block_bytes = packed_block_bytes(dtype);
  const bool sum_format = packed_activation_format(dtype) == TESSERA_ACTIVATION_Q8_SUM;
  std::vector<unsigned char> row_blocks(static_cast<size_t>(n_blocks * layout.bytes));
  std::vector<unsigned char> activation_blocks(static_cast<size_t>(n_in / 32) * sizeof(tessera_block_q8_1));
  for (int a = 0; a < n_activations; ++a) {
    const auto* source = static_cast<const unsigned char*>(activation) + a * activation_stride;
    const void* activation_row = source;
    if (sum_format) {  // the Q8_0 / Q4_0 dot products read Q8_0 activation blocks
      for (int64_t b = 0; b < n_in / 32; ++b) {
        const auto* block = reinterpret_cast<const tessera_block_q8_sum*>(source) + b;
        auto* plain = reinterpret_cast<tessera_block_q8_0*>(activation_blocks.data()) + b;
        plain->d = block->d;
        std::memcpy(plain->qs, block->qs, 32);
      }
      activation_row = activation_blocks.data();
    }
    for (int r = 0; r < n_rows; ++r) {
      for (int64_t b = 0; b < n_blocks; ++b) {
        unpack_block(dtype, static_cast<const unsigned char*>(group) + b * block_bytes, r,
                     row_blocks.data() + b * layout.bytes);
      }
      const float sum = dot(n_in, row_blocks.data(), activation_row);
      out[a * out_stride + r] = sum;
    }
  }
}

#define TESSERA_SCALAR_PACKED(name, dtype)                                                                  \
  void name(int64_t n_in, const void* group, const void* activation, int64_t activation_stride,             \
            int n_activations, float* out, int64_t out_stride, int n_rows) {                                \
    scalar_packed_tile(dtype, n_in, group, activation, activation_stride, n_activations, out, out_stride, n_rows); \
  }
TESSERA_SCALAR_PACKED(scalar_packed_q8_0, TESSERA_DTYPE_Q8_0)
TESSERA_SCALAR_PACKED(scalar_packed_q4_0, TESSERA_DTYPE_Q4_0)
TESSERA_SCALAR_PACKED(scalar_packed_q4_1, TESSERA_DTYPE_Q4_1)
TESSERA_SCALAR_PACKED(scalar_packed_q4_k, TESSERA_DTYPE_Q4_K)
TESSERA_SCALAR_PACKED(scalar_packed_q5_0, TESSERA_DTYPE_Q5_0)
TESSERA_SCALAR_PACKED(scalar_packed_q5_1, TESSERA_DTYPE_Q5_1)
TESSERA_SCALAR_PACKED(scalar_packed_q6_k, TESSERA_DTYPE_Q6_K)
#undef TESSERA_SCALAR_PACKED

const tessera_packed_kernels kScalarPacked = {
    {scalar_packed_q8_0, scalar_packed_q4_0, scalar_packed_q4_1, scalar_packed_q4_k, scalar_packed_q5_0,
     scalar_packed_q5_1, scalar_packed_q6_k},
    {scalar_packed_q8_0, scalar_packed_q4_0, scalar_packed_q4_1, scalar_packed_q4_k, scalar_packed_q5_0,
     scalar_packed_q5_1, scalar_packed_q6_k},
    1,
};

}  // namespace

int packed_index(int32_t weight_dtype) {
  switch (weight_dtype) {
    case TESSERA_DTYPE_Q8_0: return 0;
    case TESSERA_DTYPE_Q4_0: return 1;
    case TESSERA_DTYPE_Q4_1: return 2;
    case TESSERA_DTYPE_Q4_K: return 3;
    case TESSERA_DTYPE_Q5_0: return 4;
    case TESSERA_DTYPE_Q5_1: return 5;
    case TESSERA_DTYPE_Q6_K: return 6;
    default: return -1;
  }
}

int64_t packed_block_bytes(int32_t weight_dtype) {
  switch (weight_dtype) {
    case TESSERA_DTYPE_Q4_K: return kQ4kBlockBytes;
    case TESSERA_DTYPE_Q5_0: return 32 + 5 * kChunkBytes;  // d, fifth bits, 4 quant chunks
    case TESSERA_DTYPE_Q5_1: return 64 + 5 * kChunkBytes;
    case TESSERA_DTYPE_Q6_K: return kQ6kBlockBytes;
    default: break;
  }
  return scale_bytes(weight_dtype) + TESSERA_ROWS16 * quant_bytes_per_row(weight_dtype);
}

int64_t packed_weight_bytes(int32_t weight_dtype, int64_t n_out, int64_t n_in) {
  const int64_t groups = (n_out + TESSERA_ROWS16 - 1) / TESSERA_ROWS16;
  return groups * (n_in / block_elements(weight_dtype)) * packed_block_bytes(weight_dtype);
}

tessera_activation_format packed_activation_format(int32_t weight_dtype) {
  switch (weight_dtype) {
    case TESSERA_DTYPE_Q4_K: case TESSERA_DTYPE_Q6_K: return TESSERA_ACTIVATION_Q8_K;
    case TESSERA_DTYPE_Q4_1: case TESSERA_DTYPE_Q5_1: return TESSERA_ACTIVATION_Q8_1;
    default: return TESSERA_ACTIVATION_Q8_SUM;
  }
}

void pack_rows16(int32_t weight_dtype, const void* plain, int64_t row_stride, int64_t n_out, int64_t n_in,
                 void* packed) {
  const PlainBlock layout = plain_block(weight_dtype);
  const int64_t n_blocks = n_in / block_elements(weight_dtype);
  const int64_t block_bytes = packed_block_bytes(weight_dtype);
  const int64_t groups = (n_out + TESSERA_ROWS16 - 1) / TESSERA_ROWS16;
  auto* destination = static_cast<unsigned char*>(packed);
  std::memset(destination, 0, static_cast<size_t>(groups * n_blocks * block_bytes));
  for (int64_t row = 0; row < n_out; ++row) {
    const int64_t group = row / TESSERA_ROWS16;
    const int r = static_cast<int>(row % TESSERA_ROWS16);
    const auto* source_row = static_cast<const unsigned char*>(plain) + row * row_stride;
    for (int64_t b = 0; b < n_blocks; ++b) {
      const unsigned char* source = source_row + b * layout.bytes;
      unsigned char* block = destination + (group * n_blocks + b) * block_bytes;
      if (weight_dtype == TESSERA_DTYPE_Q4_K) {
        pack_q4_k_row_block(*reinterpret_cast<const tessera_block_q4_k*>(source), r, block);
        continue;
      }
      if (weight_dtype == TESSERA_DTYPE_Q6_K) {
        pack_q6_k_row_block(*reinterpret_cast<const tessera_block_q6_k*>(source), r, block);
        continue;
      }
      if (weight_dtype == TESSERA_DTYPE_Q5_0 || weight_dtype == TESSERA_DTYPE_Q5_1) {
        pack_q5_row_block(weight_dtype, source, r, block);
        continue;
      }
      std::memcpy(block + 2 * r, source, 2);
      if (weight_dtype == TESSERA_DTYPE_Q4_1) std::memcpy(block + 32 + 2 * r, source + 2, 2);
      unsigned char* quants = block + scale_bytes(weight_dtype);
      for (int64_t chunk = 0; chunk < quant_bytes_per_row(weight_dtype) / 4; ++chunk) {
        std::memcpy(quants + chunk * kChunkBytes + 4 * r, source + layout.quants_offset + 4 * chunk, 4);
      }
    }
  }
}

const tessera_packed_kernels* scalar_packed_kernels() { return &kScalarPacked; }

}  // namespace tessera::cpu

#include "tensor/quantize.h"

#include <cstring>

#include "tensor/quantize_blocks.h"

namespace tessera {

namespace {

using BlockDecoder = void (*)(const void*, float*, std::int64_t);
using BlockEncoder = void (*)(const float*, void*, std::int64_t);

struct Codec {
  BlockDecoder decode = nullptr;  // null: unsupported
  BlockEncoder encode = nullptr;
};

void copy_f32_out(const void* source, float* destination, std::int64_t count) {
  std::memcpy(destination, source, static_cast<std::size_t>(count) * sizeof(float));
}

void copy_f32_in(const float* source, void* destination, std::int64_t count) {
  std::memcpy(destination, source, static_cast<std::size_t>(count) * sizeof(float));
}

// The kernels count in blocks; for plain types a block is one element.
Codec codec_for(DType type) {
  switch (type) {
    case DType::kF32:
      return {copy_f32_out, copy_f32_in};
    case DType::kF16:
      return {reference::dequantize_f16, reference::quantize_f16};
    case DType::kBF16:
      return {reference::dequantize_bf16, reference::quantize_bf16};
    case DType::kQ4_0:
      return {reference::dequantize_q4_0, reference::quantize_q4_0};
    case DType::kQ4_1:
      return {reference::dequantize_q4_1, reference::quantize_q4_1};
    case DType::kQ5_0:
      return {reference::dequantize_q5_0, reference::quantize_q5_0};
    case DType::kQ5_1:
      return {reference::dequantize_q5_1, reference::quantize_q5_1};
    case DType::kQ8_0:
      return {reference::dequantize_q8_0, reference::quantize_q8_0};
    case DType::kQ4_K:
      return {reference::dequantize_q4_k, reference::quantize_q4_k};
    case DType::kQ5_K:
      return {reference::dequantize_q5_k, reference::quantize_q5_k};
    case DType::kQ6_K:
      return {reference::dequantize_q6_k, reference::quantize_q6_k};
    default:
      return {};
  }
}

// Number of blocks in a row of n elements, or the reason there is no such row.
Result<std::int64_t> block_count(DType type, std::int64_t n, const char* operation) {
  const auto& info = dtype_info(type);
  if (n < 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: negative element count {} for {}", operation, n,
                      info.name);
  }
  if (n % info.block_size != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: {} elements is not a whole number of {}-element {} blocks", operation, n,
                      info.block_size, info.name);
  }
  if (!row_bytes(type, n)) {
    return make_error(ErrorCode::kOutOfRange, "{}: {} elements of {} overflow a byte count", operation, n,
                      info.name);
  }
  return n / info.block_size;
}

}  // namespace

bool can_dequantize(DType type) {
  return codec_for(type).decode != nullptr;
}

bool can_quantize(DType type) {
  return codec_for(type).encode != nullptr;
}

Result<void> dequantize_row(DType type, const void* source, float* destination, std::int64_t n) {
  const Codec codec = codec_for(type);
  if (codec.decode == nullptr) {
    return make_error(ErrorCode::kUnsupported, "dequantize: no conversion from {} to F32", dtype_name(type));
  }
  TESSERA_ASSIGN_OR_RETURN(const std::int64_t blocks, block_count(type, n, "dequantize"));
  if (blocks > 0) codec.decode(source, destination, blocks);
  return {};
}

Result<void> quantize_row(DType type, const float* source, void* destination, std::int64_t n) {
  const Codec codec = codec_for(type);
  if (codec.encode == nullptr) {
    return make_error(ErrorCode::kUnsupported, "quantize: no conversion from F32 to {}", dtype_name(type));
  }
  TESSERA_ASSIGN_OR_RETURN(const std::int64_t blocks, block_count(type, n, "quantize"));
  if (blocks > 0) codec.encode(source, destination, blocks);
  return {};
}

Result<std::vector<float>> dequantize(DType type, std::span<const std::byte> data, std::int64_t n) {
  TESSERA_TRY(block_count(type, n, "dequantize"));
  const std::uint64_t needed = *row_bytes(type, n);
  if (data.size() < needed) {
    return make_error(ErrorCode::kOutOfRange, "dequantize: {} elements of {} need {} bytes, buffer has {}", n,
                      dtype_name(type), needed, data.size());
  }
  std::vector<float> values(static_cast<std::size_t>(n));
  TESSERA_TRY(dequantize_row(type, data.data(), values.data(), n));
  return values;
}

Result<std::vector<std::byte>> quantize(DType type, std::span<const float> values) {
  const auto n = static_cast<std::int64_t>(values.size());
  TESSERA_TRY(block_count(type, n, "quantize"));
  std::vector<std::byte> data(static_cast<std::size_t>(*row_bytes(type, n)));
  TESSERA_TRY(quantize_row(type, values.data(), data.data(), n));
  return data;
}

}  // namespace tessera

// Element types: names, block sizes and byte sizes. Ids are the GGUF type ids (backend_abi.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tessera/backend_abi.h"

namespace tessera {

enum class DType : std::int32_t {
  kF32 = TESSERA_DTYPE_F32,
  kF16 = TESSERA_DTYPE_F16,
  kQ4_0 = TESSERA_DTYPE_Q4_0,
  kQ4_1 = TESSERA_DTYPE_Q4_1,
  kQ5_0 = TESSERA_DTYPE_Q5_0,
  kQ5_1 = TESSERA_DTYPE_Q5_1,
  kQ8_0 = TESSERA_DTYPE_Q8_0,
  kQ4_K = TESSERA_DTYPE_Q4_K,
  kQ5_K = TESSERA_DTYPE_Q5_K,
  kQ6_K = TESSERA_DTYPE_Q6_K,
  kI8 = TESSERA_DTYPE_I8,
  kI16 = TESSERA_DTYPE_I16,
  kI32 = TESSERA_DTYPE_I32,
  kI64 = TESSERA_DTYPE_I64,
  kF64 = TESSERA_DTYPE_F64,
  kBF16 = TESSERA_DTYPE_BF16,
};

struct DTypeInfo {
  DType dtype;
  std::string_view name;     // GGUF spelling: "F32", "Q4_K"
  std::int64_t block_size;   // elements per block (1 for plain types)
  std::int64_t block_bytes;  // bytes per block
  bool quantized;
};

// Info for a known dtype id, nullopt for ids Tessera does not handle (e.g. from an untrusted file).
std::optional<DTypeInfo> dtype_info(std::int32_t id);
const DTypeInfo& dtype_info(DType dtype);
std::string_view dtype_name(DType dtype);
std::optional<DType> dtype_from_name(std::string_view name);

// Bytes of a row of n elements; nullopt when n is not a whole number of blocks or overflows.
std::optional<std::uint64_t> row_bytes(DType dtype, std::int64_t n);

}  // namespace tessera

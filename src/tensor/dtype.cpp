#include "tensor/dtype.h"

#include <array>

#include "base/checked.h"
#include "base/error.h"
#include "tessera/block_formats.h"

namespace tessera {

namespace {

constexpr std::array kDTypes = {
    DTypeInfo{DType::kF32, "F32", 1, 4, false},
    DTypeInfo{DType::kF16, "F16", 1, 2, false},
    DTypeInfo{DType::kQ4_0, "Q4_0", TESSERA_QK4_0, sizeof(tessera_block_q4_0), true},
    DTypeInfo{DType::kQ4_1, "Q4_1", TESSERA_QK4_1, sizeof(tessera_block_q4_1), true},
    DTypeInfo{DType::kQ5_0, "Q5_0", TESSERA_QK5_0, sizeof(tessera_block_q5_0), true},
    DTypeInfo{DType::kQ5_1, "Q5_1", TESSERA_QK5_1, sizeof(tessera_block_q5_1), true},
    DTypeInfo{DType::kQ8_0, "Q8_0", TESSERA_QK8_0, sizeof(tessera_block_q8_0), true},
    DTypeInfo{DType::kQ4_K, "Q4_K", TESSERA_QK_K, sizeof(tessera_block_q4_k), true},
    DTypeInfo{DType::kQ5_K, "Q5_K", TESSERA_QK_K, sizeof(tessera_block_q5_k), true},
    DTypeInfo{DType::kQ6_K, "Q6_K", TESSERA_QK_K, sizeof(tessera_block_q6_k), true},
    DTypeInfo{DType::kI8, "I8", 1, 1, false},
    DTypeInfo{DType::kI16, "I16", 1, 2, false},
    DTypeInfo{DType::kI32, "I32", 1, 4, false},
    DTypeInfo{DType::kI64, "I64", 1, 8, false},
    DTypeInfo{DType::kF64, "F64", 1, 8, false},
    DTypeInfo{DType::kBF16, "BF16", 1, 2, false},
};

}  // namespace

std::optional<DTypeInfo> dtype_info(std::int32_t id) {
  for (const auto& info : kDTypes) {
    if (static_cast<std::int32_t>(info.dtype) == id) return info;
  }
  return std::nullopt;
}

const DTypeInfo& dtype_info(DType dtype) {
  for (const auto& info : kDTypes) {
    if (info.dtype == dtype) return info;
  }
  throw Exception(make_error(ErrorCode::kInternal, "dtype id {} has no info", static_cast<int>(dtype)));
}

std::string_view dtype_name(DType dtype) { return dtype_info(dtype).name; }

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name) return info.dtype;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> row_bytes(DType dtype, std::int64_t n) {
  const auto& info = dtype_info(dtype);
  if (n < 0 || n % info.block_size != 0) return std::nullopt;
  return checked_mul(static_cast<std::uint64_t>(n / info.block_size), static_cast<std::uint64_t>(info.block_bytes));
}

}  // namespace tessera

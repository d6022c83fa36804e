// Conversion between float rows and the stored element types (plain and block-quantized GGUF types).
// These are the scalar reference implementations, the oracle the backend kernels are tested against.
// Where the gguf Python package defines an operation (every dequantization; quantization to F16, BF16,
// Q8_0, Q4_0, Q4_1, Q5_0, Q5_1) the result is bit-identical to it. Quantization to Q4_K, Q5_K and
// Q6_K searches scales and mins per sub-block to minimise the squared error of the row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"
#include "tensor/dtype.h"

namespace tessera {

// True when dequantize_row / quantize_row handle `type`.
bool can_dequantize(DType type);
bool can_quantize(DType type);

// Decodes n elements stored as `type` at source into destination[0, n). n must be a whole number of
// blocks of `type`; source holds row_bytes(type, n) bytes, with no alignment requirement.
Result<void> dequantize_row(DType type, const void* source, float* destination, std::int64_t n);

// Encodes source[0, n) as `type` into destination, which receives row_bytes(type, n) bytes.
// Rows are independent: a tensor may be quantized as one long row or row by row with equal results.
Result<void> quantize_row(DType type, const float* source, void* destination, std::int64_t n);

// Whole-buffer forms that also check the buffer sizes.
// data must hold at least row_bytes(type, n) bytes.
Result<std::vector<float>> dequantize(DType type, std::span<const std::byte> data, std::int64_t n);
// values.size() must be a whole number of blocks of `type`.
Result<std::vector<std::byte>> quantize(DType type, std::span<const float> values);

}  // namespace tessera

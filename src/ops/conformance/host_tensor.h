// Host tensors and deterministic data for the conformance cases.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tessera/backend_abi.h"

namespace tessera::conformance {

// A row-major tensor in host memory; row_padding adds unused bytes after each row (strided views).
class HostTensor {
 public:
  HostTensor() = default;
  HostTensor(std::int32_t dtype, std::initializer_list<std::int64_t> shape, std::int64_t row_padding = 0);
  HostTensor(std::int32_t dtype, const std::vector<std::int64_t>& shape, std::int64_t row_padding = 0);

  // The descriptor over this object's memory (refreshed on every call: the object may have moved).
  tessera_tensor view();
  const tessera_tensor& layout() const { return layout_; }
  std::vector<std::byte>& bytes() { return bytes_; }
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::int64_t rows() const;
  std::int64_t row_length() const { return layout_.shape[layout_.n_dims - 1]; }
  std::int64_t row_stride() const { return layout_.n_dims > 1 ? layout_.stride[layout_.n_dims - 2] : 0; }
  std::byte* row(std::int64_t index) { return bytes_.data() + index * row_stride(); }

  float* f32_row(std::int64_t index) { return reinterpret_cast<float*>(row(index)); }
  std::int32_t* i32() { return reinterpret_cast<std::int32_t*>(bytes_.data()); }

 private:
  tessera_tensor layout_{};
  std::vector<std::byte> bytes_;
};

// Deterministic pseudo-random numbers (splitmix64), identical on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  float uniform(float low, float high);

 private:
  std::uint64_t state_;
};

// A [rows, n] descriptor of `dtype` over memory the caller owns, with HostTensor's strides; rows are
// row_bytes apart, or back to back when row_bytes is 0.
tessera_tensor matrix_view(void* data, std::int32_t dtype, std::int64_t rows, std::int64_t n,
                           std::int64_t row_bytes = 0);
// `count` values uniform in [low, high).
std::vector<float> uniform_values(std::int64_t count, Random& random, float low, float high);

// Fills every row of an F32 tensor with uniform values in [low, high).
void fill_uniform(HostTensor& tensor, Random& random, float low, float high);
// Fills an F16 tensor with uniform values in [low, high), rounded to half.
void fill_uniform_f16(HostTensor& tensor, Random& random, float low, float high);
// A weight [rows, n] of `dtype` quantized from uniform values in [-1, 1); `values` receives the
// dequantized weight, what the backend must multiply by.
HostTensor make_weight(std::int32_t dtype, std::int64_t rows, std::int64_t n, Random& random,
                       std::vector<float>& values);

}  // namespace tessera::conformance

#include "ops/conformance/host_tensor.h"

#include <cstring>

#include "base/error.h"
#include "tensor/dtype.h"
#include "tensor/quantize.h"
#include "tessera/block_formats.h"

namespace tessera::conformance {

HostTensor::HostTensor(std::int32_t dtype, std::initializer_list<std::int64_t> shape,
                       std::int64_t row_padding)
    : HostTensor(dtype, std::vector<std::int64_t>(shape), row_padding) {}

HostTensor::HostTensor(std::int32_t dtype, const std::vector<std::int64_t>& shape, std::int64_t row_padding) {
  const auto& info = dtype_info(static_cast<DType>(dtype));
  layout_.dtype = dtype;
  layout_.n_dims = static_cast<std::int32_t>(shape.size());
  const int last = layout_.n_dims - 1;
  for (int dim = 0; dim < layout_.n_dims; ++dim) layout_.shape[dim] = shape[static_cast<std::size_t>(dim)];
  // Innermost stride is one element (0 for block types, as tensor/tensor.h writes it).
  layout_.stride[last] = info.block_size == 1 ? info.block_bytes : 0;
  std::int64_t span =
      shape[static_cast<std::size_t>(last)] / info.block_size * info.block_bytes + row_padding;
  for (int dim = last - 1; dim >= 0; --dim) {
    layout_.stride[dim] = span;
    span *= shape[static_cast<std::size_t>(dim)];
  }
  bytes_.assign(static_cast<std::size_t>(span > 0 ? span : 0), std::byte{0});
}

tessera_tensor HostTensor::view() {
  tessera_tensor tensor = layout_;
  tensor.data = bytes_.data();
  return tensor;
}

std::int64_t HostTensor::rows() const {
  std::int64_t count = 1;
  for (int dim = 0; dim + 1 < layout_.n_dims; ++dim) count *= layout_.shape[dim];
  return count;
}

std::uint64_t Random::next() {
  state_ += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float Random::uniform(float low, float high) {
  const double unit = static_cast<double>(next() >> 11) / 9007199254740992.0;  // [0, 1)
  return static_cast<float>(low + (high - low) * unit);
}

tessera_tensor matrix_view(void* data, std::int32_t dtype, std::int64_t rows, std::int64_t n,
                           std::int64_t row_bytes) {
  const auto& info = dtype_info(static_cast<DType>(dtype));
  tessera_tensor tensor{};
  tensor.data = data;
  tensor.dtype = dtype;
  tensor.n_dims = 2;
  tensor.shape[0] = rows;
  tensor.shape[1] = n;
  tensor.stride[1] = info.block_size == 1 ? info.block_bytes : 0;
  tensor.stride[0] = row_bytes > 0 ? row_bytes : n / info.block_size * info.block_bytes;
  return tensor;
}

std::vector<float> uniform_values(std::int64_t count, Random& random, float low, float high) {
  std::vector<float> values(static_cast<std::size_t>(count));
  for (auto& value : values) value = random.uniform(low, high);
  return values;
}

void fill_uniform(HostTensor& tensor, Random& random, float low, float high) {
  for (std::int64_t row = 0; row < tensor.rows(); ++row) {
    float* values = tensor.f32_row(row);
    for (std::int64_t i = 0; i < tensor.row_length(); ++i) values[i] = random.uniform(low, high);
  }
}

void fill_uniform_f16(HostTensor& tensor, Random& random, float low, float high) {
  for (std::int64_t row = 0; row < tensor.rows(); ++row) {
    auto* values = reinterpret_cast<std::uint16_t*>(tensor.row(row));
    for (std::int64_t i = 0; i < tensor.row_length(); ++i)
      values[i] = tessera_f32_to_f16(random.uniform(low, high));
  }
}

HostTensor make_weight(std::int32_t dtype, std::int64_t rows, std::int64_t n, Random& random,
                       std::vector<float>& values) {
  HostTensor weight(dtype, {rows, n});
  values.resize(static_cast<std::size_t>(rows * n));
  std::vector<float> source(static_cast<std::size_t>(n));
  for (std::int64_t row = 0; row < rows; ++row) {
    for (auto& value : source) value = random.uniform(-1.0f, 1.0f);
    // A few rows with a large outlier, as real weights have; stresses the block scales.
    if (row % 3 == 1) source[static_cast<std::size_t>(row % n)] = 4.0f;
    quantize_row(static_cast<DType>(dtype), source.data(), weight.row(row), n).value_or_throw();
    dequantize_row(static_cast<DType>(dtype), weight.row(row), values.data() + row * n, n).value_or_throw();
  }
  return weight;
}

}  // namespace tessera::conformance

#include "tensor/tensor.h"

#include <fmt/format.h>

#include "base/error.h"

namespace tessera {

Tensor Tensor::packed(const tessera_tensor& descriptor, std::int32_t layout) {
  Tensor tensor;
  tensor.descriptor_ = descriptor;
  tensor.layout_ = layout;
  return tensor;
}

Tensor::Tensor(void* data, DType dtype, std::span<const std::int64_t> shape) {
  descriptor_ = {};
  if (shape.empty() || shape.size() > TESSERA_MAX_DIMS) {
    throw Exception(
        make_error(ErrorCode::kInternal, "tensor rank {} not in 1..{}", shape.size(), TESSERA_MAX_DIMS));
  }
  descriptor_.data = data;
  descriptor_.dtype = static_cast<std::int32_t>(dtype);
  descriptor_.n_dims = static_cast<std::int32_t>(shape.size());
  const auto& info = dtype_info(dtype);
  int last = descriptor_.n_dims - 1;
  for (int index = 0; index <= last; ++index)
    descriptor_.shape[index] = shape[static_cast<std::size_t>(index)];
  // Innermost stride is one element (or block); each outer stride spans the dimension inside it.
  descriptor_.stride[last] = info.block_size == 1 ? info.block_bytes : 0;
  std::int64_t inner_bytes = descriptor_.shape[last] / info.block_size * info.block_bytes;
  for (int index = last - 1; index >= 0; --index) {
    descriptor_.stride[index] = inner_bytes;
    inner_bytes *= descriptor_.shape[index];
  }
}

std::int64_t Tensor::element_count() const {
  std::int64_t count = 1;
  for (int index = 0; index < descriptor_.n_dims; ++index) count *= descriptor_.shape[index];
  return count;
}

std::uint64_t Tensor::byte_size() const {
  const auto& info = dtype_info(dtype());
  return static_cast<std::uint64_t>(element_count() / info.block_size * info.block_bytes);
}

std::string Tensor::shape_string() const {
  std::string text = "[";
  for (int index = 0; index < descriptor_.n_dims; ++index) {
    if (index > 0) text += ", ";
    text += fmt::format("{}", descriptor_.shape[index]);
  }
  return text + "]";
}

Tensor Tensor::rows(std::int64_t begin, std::int64_t count) const {
  Tensor view = *this;
  view.descriptor_.data = static_cast<std::uint8_t*>(descriptor_.data) + begin * descriptor_.stride[0];
  view.descriptor_.shape[0] = count;
  return view;
}

Tensor Tensor::reshaped(std::initializer_list<std::int64_t> shape) const {
  Tensor view(descriptor_.data, dtype(), shape);
  if (view.element_count() != element_count()) {
    throw Exception(make_error(ErrorCode::kInternal, "reshape {} to {} changes the element count",
                               shape_string(), view.shape_string()));
  }
  return view;
}

Tensor Tensor::columns(std::int64_t begin, std::int64_t count) const {
  const auto& info = dtype_info(dtype());
  if (descriptor_.n_dims != 2 || info.block_size != 1 || begin < 0 || count < 0 ||
      begin + count > descriptor_.shape[1]) {
    throw Exception(make_error(ErrorCode::kInternal, "columns [{}, {}) of a {} {} tensor", begin,
                               begin + count, info.name, shape_string()));
  }
  Tensor view = *this;
  view.descriptor_.data = static_cast<std::uint8_t*>(descriptor_.data) + begin * descriptor_.stride[1];
  view.descriptor_.shape[1] = count;
  return view;
}

Tensor Tensor::split_columns(std::int64_t groups) const {
  if (descriptor_.n_dims != 2 || groups <= 0 || descriptor_.shape[1] % groups != 0) {
    throw Exception(make_error(ErrorCode::kInternal, "{} columns of {} do not split into {} groups",
                               descriptor_.shape[1], shape_string(), groups));
  }
  Tensor view = *this;
  const std::int64_t n = descriptor_.shape[1] / groups;
  view.descriptor_.n_dims = 3;
  view.descriptor_.shape[1] = groups;
  view.descriptor_.shape[2] = n;
  view.descriptor_.stride[2] = descriptor_.stride[1];
  view.descriptor_.stride[1] = n * descriptor_.stride[1];
  return view;
}

}  // namespace tessera

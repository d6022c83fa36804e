// Tensor: a non-owning, row-major view of device memory (a tessera_tensor with helpers).
// Shapes are written outermost first, as in the shape comments: [n_tokens, n_embd].
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

#include "tensor/dtype.h"
#include "tessera/backend_abi.h"

namespace tessera {

class Tensor {
 public:
  Tensor() { descriptor_ = {}; }
  // A contiguous tensor over `data`.
  Tensor(void* data, DType dtype, std::span<const std::int64_t> shape);
  Tensor(void* data, DType dtype, std::initializer_list<std::int64_t> shape)
      : Tensor(data, dtype, std::span<const std::int64_t>(shape.begin(), shape.size())) {}

  const tessera_tensor& descriptor() const { return descriptor_; }
  // A tensor over memory a backend packed into a layout of its own (see tessera_backend::pack_weight).
  static Tensor packed(const tessera_tensor& descriptor, std::int32_t layout);
  // TESSERA_LAYOUT_PLAIN unless the backend packed it: only kernels keyed with that layout read it.
  std::int32_t layout() const { return layout_; }
  void* data() const { return descriptor_.data; }
  DType dtype() const { return static_cast<DType>(descriptor_.dtype); }
  int n_dims() const { return descriptor_.n_dims; }
  std::int64_t dim(int index) const { return descriptor_.shape[index]; }
  std::int64_t element_count() const;
  // Bytes spanned by a contiguous tensor of this shape.
  std::uint64_t byte_size() const;
  std::string shape_string() const;  // "[4, 576]"

  // Rows [begin, begin + count) of the outermost dimension.
  Tensor rows(std::int64_t begin, std::int64_t count) const;
  // The same contiguous memory seen with another shape of equal element count.
  Tensor reshaped(std::initializer_list<std::int64_t> shape) const;
  // Columns [begin, begin + count) of a 2-D tensor of single elements: rows keep the parent's stride.
  Tensor columns(std::int64_t begin, std::int64_t count) const;
  // A 2-D tensor [rows, groups * n] seen as [rows, groups, n], rows keeping their stride.
  Tensor split_columns(std::int64_t groups) const;

 private:
  tessera_tensor descriptor_;
  std::int32_t layout_ = TESSERA_LAYOUT_PLAIN;
};

}  // namespace tessera

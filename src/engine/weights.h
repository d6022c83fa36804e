// Reads weight tensors out of a GGUF file for a device: checks name, shape and type, and uses the
// memory-mapped bytes in place when the device can read host memory (copying them otherwise).
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "formats/gguf_reader.h"
#include "runtime/device.h"
#include "tensor/tensor.h"

namespace tessera::engine {

// One matmul of weights stacked by WeightLoader::load_stacked_matmul: its output fills columns
// [first_column, first_column + columns) of the stacked output.
struct StackedPart {
  Tensor weight;  // [columns, n_in]
  std::int64_t first_column = 0;
  std::int64_t columns = 0;
};

class WeightLoader {
 public:
  WeightLoader(const gguf::File& file, const runtime::Device& device) : file_(file), device_(device) {}

  // The tensor `name` with exactly `shape` (outermost first), of any supported type.
  Result<Tensor> load(const std::string& name, std::initializer_list<std::int64_t> shape);
  // As load(), or an empty Tensor when the file has no such tensor.
  Result<Tensor> load_optional(const std::string& name, std::initializer_list<std::int64_t> shape);
  bool contains(const std::string& name) const { return file_.find_tensor(name) != nullptr; }
  // As load(), for a weight read only by matmul: the backend may pack it into a faster layout.
  Result<Tensor> load_matmul(const std::string& name, std::initializer_list<std::int64_t> shape);
  // Weights (name, rows) of n_in columns that multiply the same input, as stacked output columns in the
  // order given. Consecutive weights of one dtype become one packed weight when the backend packs it, so
  // the input is converted and the threads started once for all of them; the others stay one matmul each.
  Result<std::vector<StackedPart>> load_stacked_matmul(
      const std::vector<std::pair<std::string, std::int64_t>>& parts, std::int64_t n_in);
  // A packed copy of a loaded weight for matmul (e.g. tied embeddings, also read by get_rows), or the
  // weight itself when the backend keeps the plain layout.
  Result<Tensor> pack_for_matmul(const Tensor& weight);

  std::int64_t parameter_count() const { return parameter_count_; }
  // Device copies and packed weights; they live as long as the loader's owner keeps them.
  std::vector<runtime::Buffer> take_buffers() { return std::move(buffers_); }

 private:
  // pack_for_matmul of the mapped tensor `name`, whose pages are dropped when the backend packed it.
  Result<Tensor> pack_mapped(const Tensor& plain, const std::string& name);
  // The plain weights, contiguous in memory the host reads, copied one after the other and packed; an
  // empty Tensor when the backend keeps that dtype in the plain layout.
  Result<Tensor> pack_stacked(std::span<const Tensor> plain, std::int64_t rows);

  const gguf::File& file_;
  const runtime::Device& device_;
  std::vector<runtime::Buffer> buffers_;
  std::int64_t parameter_count_ = 0;
};

}  // namespace tessera::engine

// Scratch: the per-step device memory of a forward pass (activations and small index tensors),
// kept between steps and grown when a larger batch arrives.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "engine/batch.h"
#include "engine/kv_cache.h"
#include "runtime/device.h"
#include "tensor/tensor.h"

namespace tessera::engine {

class Scratch {
 public:
  // Derives the index tensors of a batch (cache slots, block tables, output rows) and checks that
  // every token's position is inside the blocks reserved for its sequence.
  // Uploads go through `stream`, the stream the forward pass runs on, so they stay ordered with it.
  Result<void> prepare(const runtime::Device& device, runtime::Stream& stream, const Batch& batch, const KvCache& cache);

  // A named F32 activation of the given shape (contents kept while the shape's size does not grow).
  Tensor f32(const std::string& name, std::initializer_list<std::int64_t> shape);
  // A named I32 vector holding `values`, copied to the device.
  Tensor i32(const std::string& name, const std::vector<std::int32_t>& values);
  Tensor i32_matrix(const std::string& name, const std::vector<std::int32_t>& values, std::int64_t rows);
  // Copies a tensor back to host memory.
  Result<void> read(runtime::Stream& stream, const Tensor& tensor, float* destination);

  std::vector<std::int32_t> slots;        // [n_tokens]: cache row written by each token
  std::vector<std::int32_t> token_rows;   // [n_tokens]: row of block_table for each token
  std::vector<std::int32_t> block_table;  // [table_rows, max_blocks]
  std::int64_t table_rows = 0;
  std::vector<std::int32_t> output_rows;  // [n_outputs]: batch rows that want logits

 private:
  void* reserve(const std::string& name, std::uint64_t bytes);
  const runtime::Device* device_ = nullptr;
  runtime::Stream* stream_ = nullptr;
  std::unordered_map<std::string, runtime::Buffer> buffers_;
};

}  // namespace tessera::engine

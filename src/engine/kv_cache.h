// Paged KV cache: K and V of every layer live in fixed-size blocks of `block_size` positions; each
// sequence has a block table mapping its logical blocks to physical ones. Blocks are allocated as
// sequences grow and returned when they end.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "engine/batch.h"
#include "runtime/device.h"
#include "tensor/tensor.h"

namespace tessera::engine {

struct KvCacheShape {
  int n_layers = 0;
  int n_kv_heads = 0;
  int head_dim = 0;
  int block_size = 16;
  int n_blocks = 0;
  DType dtype = DType::kF16;
};

class KvCache {
 public:
  static Result<KvCache> create(const runtime::Device& device, const KvCacheShape& shape);

  const KvCacheShape& shape() const { return shape_; }
  // [n_blocks, block_size, n_kv_heads, head_dim]
  Tensor keys(int layer) const;
  Tensor values(int layer) const;

  // Makes room for positions [0, length) of a sequence, allocating blocks as needed.
  Result<void> reserve(SequenceId sequence, std::int64_t length);
  void release(SequenceId sequence);
  // Keeps positions [0, length) of a sequence and returns the blocks wholly past them to the free
  // list; the block holding position length-1 stays, its later slots to be overwritten.
  void truncate(SequenceId sequence, std::int64_t length);
  // Positions the sequence's blocks can hold (a multiple of block_size); 0 for an unknown sequence.
  std::int64_t reserved_positions(SequenceId sequence) const;
  bool has_sequence(SequenceId sequence) const { return tables_.contains(sequence); }
  // Physical row (block * block_size + slot) holding a position of a sequence already reserved.
  std::int32_t slot(SequenceId sequence, std::int32_t position) const;
  const std::vector<std::int32_t>& block_table(SequenceId sequence) const { return tables_.at(sequence); }
  int free_blocks() const { return static_cast<int>(free_.size()); }
  std::int64_t capacity_positions() const { return static_cast<std::int64_t>(shape_.n_blocks) * shape_.block_size; }
  std::uint64_t byte_size() const { return 2 * layer_bytes_ * static_cast<std::uint64_t>(shape_.n_layers); }

 private:
  KvCacheShape shape_;
  std::uint64_t layer_bytes_ = 0;
  std::vector<runtime::Buffer> key_buffers_;    // one per layer
  std::vector<runtime::Buffer> value_buffers_;  // one per layer
  std::vector<std::int32_t> free_;
  std::unordered_map<SequenceId, std::vector<std::int32_t>> tables_;
};

}  // namespace tessera::engine

#include "engine/kv_cache.h"

#include <algorithm>

#include "base/checked.h"

namespace tessera::engine {

Result<KvCache> KvCache::create(const runtime::Device& device, const KvCacheShape& shape) {
  KvCache cache;
  cache.shape_ = shape;
  auto row = row_bytes(shape.dtype, static_cast<std::int64_t>(shape.n_kv_heads) * shape.head_dim);
  auto positions = checked_mul(static_cast<std::uint64_t>(shape.n_blocks), static_cast<std::uint64_t>(shape.block_size));
  auto bytes = row && positions ? checked_mul(*row, *positions) : std::nullopt;
  if (!bytes) return make_error(ErrorCode::kInvalidArgument, "kv cache size overflows");
  cache.layer_bytes_ = *bytes;
  for (int layer = 0; layer < shape.n_layers; ++layer) {
    TESSERA_ASSIGN_OR_RETURN(auto keys, runtime::Buffer::allocate(device, *bytes));
    TESSERA_ASSIGN_OR_RETURN(auto values, runtime::Buffer::allocate(device, *bytes));
    cache.key_buffers_.push_back(std::move(keys));
    cache.value_buffers_.push_back(std::move(values));
  }
  // Hand out low block numbers first.
  for (int block = shape.n_blocks - 1; block >= 0; --block) cache.free_.push_back(block);
  return cache;
}

Tensor KvCache::keys(int layer) const {
  return Tensor(key_buffers_[static_cast<std::size_t>(layer)].data(), shape_.dtype,
                {shape_.n_blocks, shape_.block_size, shape_.n_kv_heads, shape_.head_dim});
}

Tensor KvCache::values(int layer) const {
  return Tensor(value_buffers_[static_cast<std::size_t>(layer)].data(), shape_.dtype,
                {shape_.n_blocks, shape_.block_size, shape_.n_kv_heads, shape_.head_dim});
}

Result<void> KvCache::reserve(SequenceId sequence, std::int64_t length) {
  auto& table = tables_[sequence];
  std::int64_t needed = (length + shape_.block_size - 1) / shape_.block_size;
  std::int64_t missing = needed - static_cast<std::int64_t>(table.size());
  if (missing > static_cast<std::int64_t>(free_.size())) {
    return make_error(ErrorCode::kOutOfMemory,
                      "kv cache full: sequence {} needs {} more blocks of {} positions, {} free (capacity {} positions)",
                      sequence, missing, shape_.block_size, free_.size(), capacity_positions());
  }
  for (std::int64_t index = 0; index < missing; ++index) {
    table.push_back(free_.back());
    free_.pop_back();
  }
  return {};
}

void KvCache::release(SequenceId sequence) {
  auto found = tables_.find(sequence);
  if (found == tables_.end()) return;
  for (auto block : found->second) free_.push_back(block);
  tables_.erase(found);
}

void KvCache::truncate(SequenceId sequence, std::int64_t length) {
  auto found = tables_.find(sequence);
  if (found == tables_.end()) return;
  auto& table = found->second;
  const std::int64_t kept = (std::max<std::int64_t>(length, 0) + shape_.block_size - 1) / shape_.block_size;
  while (static_cast<std::int64_t>(table.size()) > kept) {
    free_.push_back(table.back());
    table.pop_back();
  }
}

std::int64_t KvCache::reserved_positions(SequenceId sequence) const {
  auto found = tables_.find(sequence);
  return found == tables_.end() ? 0 : static_cast<std::int64_t>(found->second.size()) * shape_.block_size;
}

std::int32_t KvCache::slot(SequenceId sequence, std::int32_t position) const {
  const auto& table = tables_.at(sequence);
  return table[static_cast<std::size_t>(position / shape_.block_size)] * shape_.block_size +
         position % shape_.block_size;
}

}  // namespace tessera::engine

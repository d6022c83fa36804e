#include "engine/scratch.h"

#include <algorithm>
#include <map>

namespace tessera::engine {

Result<void> Scratch::prepare(const runtime::Device& device, runtime::Stream& stream, const Batch& batch,
                              const KvCache& cache) {
  device_ = &device;
  stream_ = &stream;
  if (batch.positions.size() != batch.size() || batch.sequences.size() != batch.size() ||
      batch.wants_logits.size() != batch.size()) {
    return make_error(ErrorCode::kInvalidArgument, "batch vectors differ in length");
  }
  std::map<SequenceId, std::int32_t> rows_of_sequence;
  slots.assign(batch.size(), 0);
  token_rows.assign(batch.size(), 0);
  output_rows.clear();
  std::size_t max_blocks = 1;
  for (std::size_t index = 0; index < batch.size(); ++index) {
    SequenceId sequence = batch.sequences[index];
    std::int32_t position = batch.positions[index];
    if (!cache.has_sequence(sequence)) {
      return make_error(ErrorCode::kInvalidArgument, "sequence {} has no kv cache blocks", sequence);
    }
    const auto& table = cache.block_table(sequence);
    if (position < 0 || static_cast<std::size_t>(position / cache.shape().block_size) >= table.size()) {
      return make_error(ErrorCode::kOutOfRange, "sequence {}: position {} is outside its reserved kv cache", sequence,
                        position);
    }
    auto inserted = rows_of_sequence.emplace(sequence, static_cast<std::int32_t>(rows_of_sequence.size()));
    token_rows[index] = inserted.first->second;
    slots[index] = cache.slot(sequence, position);
    max_blocks = std::max(max_blocks, table.size());
    if (batch.wants_logits[index]) output_rows.push_back(static_cast<std::int32_t>(index));
  }
  table_rows = static_cast<std::int64_t>(rows_of_sequence.size());
  block_table.assign(static_cast<std::size_t>(table_rows) * max_blocks, 0);
  for (const auto& [sequence, row] : rows_of_sequence) {
    const auto& table = cache.block_table(sequence);
    std::copy(table.begin(), table.end(), block_table.begin() + static_cast<std::ptrdiff_t>(row * max_blocks));
  }
  return {};
}

void* Scratch::reserve(const std::string& name, std::uint64_t bytes) {
  auto& buffer = buffers_[name];
  if (buffer.size() < bytes) buffer = runtime::Buffer::allocate(*device_, bytes).value_or_throw();
  return buffer.data();
}

Tensor Scratch::f32(const std::string& name, std::initializer_list<std::int64_t> shape) {
  std::int64_t count = 1;
  for (auto extent : shape) count *= extent;
  return Tensor(reserve(name, static_cast<std::uint64_t>(count) * sizeof(float)), DType::kF32, shape);
}

Tensor Scratch::i32(const std::string& name, const std::vector<std::int32_t>& values) {
  auto count = static_cast<std::int64_t>(values.size());
  std::uint64_t bytes = std::max<std::uint64_t>(1, values.size()) * sizeof(std::int32_t);
  void* data = reserve(name, bytes);
  stream_->copy_to_device(data, values.data(), values.size() * sizeof(std::int32_t)).value_or_throw();
  return Tensor(data, DType::kI32, {count});
}

Tensor Scratch::i32_matrix(const std::string& name, const std::vector<std::int32_t>& values, std::int64_t rows) {
  Tensor flat = i32(name, values);
  std::int64_t columns = rows == 0 ? 0 : static_cast<std::int64_t>(values.size()) / rows;
  return flat.reshaped({rows, columns});
}

Result<void> Scratch::read(runtime::Stream& stream, const Tensor& tensor, float* destination) {
  TESSERA_TRY(stream.copy_to_host(destination, tensor.data(), tensor.byte_size()));
  return stream.synchronize();
}

}  // namespace tessera::engine

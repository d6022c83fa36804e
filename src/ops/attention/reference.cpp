#include <cmath>
#include <vector>

#include "ops/attention/info.h"
#include "ops/common.h"
#include "tessera/block_formats.h"

namespace tessera::ops {

namespace {
// Element i of the cache row at `row` (F32 or F16), as double.
double cache_value(const char* row, std::int32_t dtype, std::int64_t i) {
  if (dtype == TESSERA_DTYPE_F32) return reinterpret_cast<const float*>(row)[i];
  return tessera_f16_to_f32(reinterpret_cast<const std::uint16_t*>(row)[i]);
}
}  // namespace

Result<void> reference_attention(const tessera_op_call& call) {
  const tessera_tensor& q = call.inputs[0];            // [n_tokens, n_head, head_dim]
  const tessera_tensor& k_cache = call.inputs[1];      // [n_blocks, block_size, n_kv_head, head_dim]
  const tessera_tensor& v_cache = call.inputs[2];      // [n_blocks, block_size, n_kv_head, head_dim]
  const tessera_tensor& block_table = call.inputs[3];  // [n_seqs, max_blocks_per_seq]
  const auto* token_seq = static_cast<const std::int32_t*>(call.inputs[4].data);  // [n_tokens]
  const auto* token_pos = static_cast<const std::int32_t*>(call.inputs[5].data);  // [n_tokens]
  const std::int64_t n_tokens = q.shape[0], n_head = q.shape[1], head_dim = q.shape[2];
  const std::int64_t n_blocks = k_cache.shape[0], block_size = k_cache.shape[1], n_kv_head = k_cache.shape[2];
  const std::int64_t group = n_head / n_kv_head;
  const double scale = call.params.attention.scale;
  for (std::int64_t t = 0; t < n_tokens; ++t) {
    const std::int64_t seq = token_seq[t], pos = token_pos[t];
    if (seq < 0 || seq >= block_table.shape[0]) {
      return make_error(ErrorCode::kOutOfRange, "attention: token {} sequence {} is outside the block table's {} rows", t,
                        seq, block_table.shape[0]);
    }
    if (pos < 0 || pos / block_size >= block_table.shape[1]) {
      return make_error(ErrorCode::kOutOfRange, "attention: token {} position {} is past its block table", t, pos);
    }
    const auto* blocks = reinterpret_cast<const std::int32_t*>(row_pointer(block_table, seq));
    // Cache rows (block, slot) of each visible position.
    std::vector<std::int64_t> physical(static_cast<std::size_t>(pos + 1));
    for (std::int64_t p = 0; p <= pos; ++p) {
      const std::int32_t block = blocks[p / block_size];
      if (block < 0 || block >= n_blocks) {
        return make_error(ErrorCode::kOutOfRange, "attention: sequence {} logical block {} maps to block {} of {}", seq,
                          p / block_size, block, n_blocks);
      }
      physical[static_cast<std::size_t>(p)] = block * block_size + p % block_size;
    }
    for (std::int64_t h = 0; h < n_head; ++h) {
      const std::int64_t kv_head = h / group;
      const float* query_row = reinterpret_cast<const float*>(row_pointer(q, t * n_head + h));
      // With an F16 cache the query enters the products as F16 and the normalised probabilities
      // weight the values as F16: attention computed in the cache's precision.
      const bool half = k_cache.dtype == TESSERA_DTYPE_F16;
      std::vector<float> query(query_row, query_row + head_dim);
      if (half) {
        for (auto& element : query) element = tessera_f16_to_f32(tessera_f32_to_f16(element));
      }
      std::vector<double> weights(static_cast<std::size_t>(pos + 1));
      double max = -INFINITY;
      for (std::int64_t p = 0; p <= pos; ++p) {
        const char* key = row_pointer(k_cache, physical[static_cast<std::size_t>(p)] * n_kv_head + kv_head);
        double dot = 0.0;
        for (std::int64_t i = 0; i < head_dim; ++i) dot += query[i] * cache_value(key, k_cache.dtype, i);
        weights[static_cast<std::size_t>(p)] = dot * scale;
        max = std::fmax(max, dot * scale);
      }
      double sum = 0.0;
      for (auto& weight : weights) {
        weight = std::exp(weight - max);
        sum += weight;
      }
      for (auto& weight : weights) {
        weight /= sum;
        if (half) weight = tessera_f16_to_f32(tessera_f32_to_f16(static_cast<float>(weight)));
      }
      float* out = reinterpret_cast<float*>(row_pointer(call.output, t * n_head + h));
      for (std::int64_t i = 0; i < head_dim; ++i) {
        double value = 0.0;
        for (std::int64_t p = 0; p <= pos; ++p) {
          const char* row = row_pointer(v_cache, physical[static_cast<std::size_t>(p)] * n_kv_head + kv_head);
          value += weights[static_cast<std::size_t>(p)] * cache_value(row, v_cache.dtype, i);
        }
        out[i] = static_cast<float>(value);
      }
    }
  }
  return {};
}

}  // namespace tessera::ops

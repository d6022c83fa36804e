// ATTENTION: causal attention of query tokens over a paged KV cache, with GQA.
//   q           F32 [n_tokens, n_head, head_dim]
//   k/v cache   F32|F16 [n_blocks, block_size, n_kv_head, head_dim]
//   block_table I32 [n_seqs, max_blocks_per_seq]
//   token_seq   I32 [n_tokens], token_pos I32 [n_tokens]
//   out         F32 [n_tokens, n_head, head_dim]
// Token t attends to positions 0..token_pos[t] of sequence token_seq[t]; position p lives in physical
// block block_table[seq][p / block_size], slot p % block_size. Work is spread over (token, head) pairs;
// each runs a dot pass over K, a softmax and a weighted sum of V.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu_backend.h"
#include "kernels/attention_kernels.h"
#include "kernels/kernels.h"
#include "tessera/block_formats.h"

namespace tessera::cpu {

namespace {

// rows[r] += rows[r + half] for r < half, each row `length` floats `stride` apart, where rows from *used
// on are zero: adding those would change nothing (an accumulator that starts at +0 is never -0), so they
// are skipped. Afterwards the rows from min(*used, half) on are unused.
void add_upper_rows(float* rows, int64_t half, int64_t* used, int64_t stride, int64_t length) {
  for (int64_t r = 0; r < half && r + half < *used; ++r) {
    float* target = rows + r * stride;
    const float* source = rows + (r + half) * stride;
    for (int64_t i = 0; i < length; ++i) target[i] += source[i];
  }
  if (*used > half) *used = half;
}

}  // namespace

tessera_status kernel_attention(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "attention", 6, 6)) return status;
  const tessera_tensor& q = call->inputs[0];
  const tessera_tensor& k_cache = call->inputs[1];
  const tessera_tensor& v_cache = call->inputs[2];
  const tessera_tensor& block_table = call->inputs[3];
  const tessera_tensor& token_seq = call->inputs[4];
  const tessera_tensor& token_pos = call->inputs[5];
  const tessera_tensor& out = call->output;
  const int32_t cache_dtype = k_cache.dtype;
  if (cache_dtype != TESSERA_DTYPE_F32 && cache_dtype != TESSERA_DTYPE_F16) {
    return set_error(TESSERA_STATUS_UNSUPPORTED, fmt::format("attention: cache dtype {}", cache_dtype));
  }
  if (auto status = check_tensor("attention", "q", q, TESSERA_DTYPE_F32)) return status;
  if (auto status = check_tensor("attention", "k_cache", k_cache, cache_dtype)) return status;
  if (auto status = check_tensor("attention", "v_cache", v_cache, cache_dtype)) return status;
  if (auto status = check_tensor("attention", "block_table", block_table, TESSERA_DTYPE_I32)) return status;
  if (auto status = check_tensor("attention", "token_seq", token_seq, TESSERA_DTYPE_I32)) return status;
  if (auto status = check_tensor("attention", "token_pos", token_pos, TESSERA_DTYPE_I32)) return status;
  if (auto status = check_tensor("attention", "output", out, TESSERA_DTYPE_F32)) return status;
  if (q.n_dims != 3 || !same_shape(q, out))
    return invalid("attention: q and output must be [n_tokens, n_head, head_dim]");
  if (k_cache.n_dims != 4 || !same_shape(k_cache, v_cache)) {
    return invalid("attention: caches must be [n_blocks, block_size, n_kv_head, head_dim]");
  }
  for (int d = 0; d < 4; ++d) {
    if (k_cache.stride[d] != v_cache.stride[d])
      return invalid("attention: k and v caches must have the same strides");
  }
  const int64_t n_tokens = q.shape[0], n_head = q.shape[1], head_dim = q.shape[2];
  const int64_t n_blocks = k_cache.shape[0], block_size = k_cache.shape[1], n_kv_head = k_cache.shape[2];
  if (k_cache.shape[3] != head_dim)
    return invalid("attention: cache head_dim {} != q head_dim {}", k_cache.shape[3], head_dim);
  if (n_kv_head <= 0 || n_head % n_kv_head != 0)
    return invalid("attention: n_head {} is not a multiple of n_kv_head {}", n_head, n_kv_head);
  if (block_table.n_dims != 2) return invalid("attention: block_table must be [n_seqs, max_blocks_per_seq]");
  if (token_seq.n_dims != 1 || token_seq.shape[0] != n_tokens || token_pos.n_dims != 1 ||
      token_pos.shape[0] != n_tokens) {
    return invalid("attention: token_seq and token_pos must be [{}]", n_tokens);
  }
  const int64_t n_seqs = block_table.shape[0], max_blocks = block_table.shape[1];
  const auto* seq_data = static_cast<const int32_t*>(token_seq.data);
  const auto* pos_data = static_cast<const int32_t*>(token_pos.data);
  // Positions each sequence needs: 0..last[seq].
  std::vector<int64_t> last(static_cast<size_t>(n_seqs), -1);
  int64_t max_pos = 0;
  for (int64_t t = 0; t < n_tokens; ++t) {
    const int64_t seq = seq_data[t], pos = pos_data[t];
    if (seq < 0 || seq >= n_seqs)
      return invalid("attention: token {} has sequence {} outside 0..{}", t, seq, n_seqs - 1);
    if (pos < 0 || pos / block_size >= max_blocks)
      return invalid("attention: token {} has position {} past its block table", t, pos);
    last[seq] = std::max(last[seq], pos);
    max_pos = std::max(max_pos, pos);
  }
  if (n_tokens == 0) return TESSERA_STATUS_OK;
  // Byte offset of each position's row in the caches (kv head 0): sequence seq's rows start at
  // first_row[seq].
  std::vector<int64_t> first_row(static_cast<size_t>(n_seqs), 0);
  int64_t n_rows = 0;
  for (int64_t seq = 0; seq < n_seqs; ++seq) {
    first_row[seq] = n_rows;
    n_rows += last[seq] + 1;
  }
  const int n_threads = stream.threads().size();
  // Scratch: the row offsets, then per thread scores [max_pos + 1], a rounded query [head_dim] and
  // lane_rows accumulators [head_dim], each rounded to a cache line.
  const bool half = cache_dtype == TESSERA_DTYPE_F16;
  // F16 cache: the orders of llama.cpp's CPU backend (flash attention off, KV cache F16), where K·Q and
  // the probabilities times V are matrix products. A batch of several tokens goes through its tiled
  // F16 GEMM (sixteen lanes; K·Q only when head_dim % 16 == 0), a single token through its F16 dot
  // product (four accumulators). The lanes follow the cache position, as the cells of a sequence that
  // starts at cell 0.
  const bool tiled = n_tokens > 1;
  const int64_t lane_rows = !half ? 1 : tiled && head_dim % 4 == 0 ? 16 : 64;
  const int64_t offsets_floats = (n_rows * 2 + 15) / 16 * 16;
  const int64_t scores_floats = (max_pos + 1 + 15) / 16 * 16;
  const int64_t head_floats = (head_dim + 15) / 16 * 16;
  const int64_t per_thread = scores_floats + (lane_rows + 1) * head_floats;
  std::byte* scratch_start =
      stream.scratch_bytes(static_cast<size_t>(offsets_floats + per_thread * n_threads) * sizeof(float));
  auto* row_offsets = reinterpret_cast<int64_t*>(scratch_start);
  auto* scratch = reinterpret_cast<float*>(scratch_start) + offsets_floats;
  for (int64_t seq = 0; seq < n_seqs; ++seq) {
    const auto* blocks = reinterpret_cast<const int32_t*>(static_cast<const char*>(block_table.data) +
                                                          seq * block_table.stride[0]);
    for (int64_t p = 0; p <= last[seq]; ++p) {
      const int32_t block = blocks[p / block_size];
      if (block < 0 || block >= n_blocks) {
        return invalid("attention: sequence {} block {} maps to {} outside 0..{}", seq, p / block_size, block,
                       n_blocks - 1);
      }
      row_offsets[first_row[seq] + p] = block * k_cache.stride[0] + p % block_size * k_cache.stride[1];
    }
  }

  const tessera_attention_kernels* kernels = scalar_attention_kernels();
  if (stream.context->isa >= Isa::kAvx2 && avx2_attention_kernels() != nullptr)
    kernels = avx2_attention_kernels();
  const int64_t group = n_head / n_kv_head;
  const float scale = call->params.attention.scale;
  const auto scores_kernel = !half                         ? kernels->scores_f32
                             : tiled && head_dim % 16 == 0 ? kernels->scores_f16_sixteen_lanes
                                                           : kernels->scores_f16_four_accumulators;
  const auto accumulate = half ? kernels->accumulate_f16 : kernels->accumulate_f32;

  // Items are dealt out round-robin: later tokens of a prompt attend to more positions, so contiguous
  // ranges would leave the last thread with most of the work.
  const int64_t items = n_tokens * n_head;
  auto work = [&](int thread_index, int threads) {
    float* scores = scratch + per_thread * thread_index;
    float* rounded_query = scores + scores_floats;
    float* accumulators = rounded_query + head_floats;  // [lane_rows][head_floats]
    for (int64_t item = thread_index; item < items; item += threads) {
      const int64_t t = item / n_head, h = item % n_head, kv_head = h / group;
      const int64_t seq = seq_data[t], n_positions = pos_data[t] + 1;
      const int64_t* offsets = row_offsets + first_row[seq];
      const char* keys = static_cast<const char*>(k_cache.data) + kv_head * k_cache.stride[2];
      const char* values = static_cast<const char*>(v_cache.data) + kv_head * v_cache.stride[2];
      const auto* query = reinterpret_cast<const float*>(static_cast<const char*>(q.data) + t * q.stride[0] +
                                                         h * q.stride[1]);
      if (half) {
        // The query is converted to the cache type, so each product of two F16 values is exact.
        kernels->round_to_f16(rounded_query, query, head_dim, 1.0f);
        query = rounded_query;
      }
      const float max = scores_kernel(query, keys, offsets, n_positions, head_dim, scale, scores);
      const auto inverse = static_cast<float>(1.0 / kernels->exp_sum(scores, n_positions, max));
      // F16: normalised probabilities rounded to F16 weight the F16 values (again exact products).
      if (half) kernels->round_to_f16(scores, scores, n_positions, inverse);
      accumulate(accumulators, head_floats, lane_rows, scores, values, offsets, n_positions, head_dim);
      // Lanes of position p % 64: four accumulators of 16 lanes, combined as (0 + 2) + (1 + 3).
      int64_t used = std::min(lane_rows, n_positions);
      if (lane_rows == 64) {
        add_upper_rows(accumulators, 32, &used, head_floats, head_dim);
        add_upper_rows(accumulators, 16, &used, head_floats, head_dim);
      }
      // Lanes of position p % 16, summed pairwise.
      for (int64_t width = lane_rows >= 16 ? 8 : 0; width >= 1; width /= 2) {
        add_upper_rows(accumulators, width, &used, head_floats, head_dim);
      }
      auto* o =
          reinterpret_cast<float*>(static_cast<char*>(out.data) + t * out.stride[0] + h * out.stride[1]);
      const float output_scale = half ? 1.0f : inverse;
      for (int64_t i = 0; i < head_dim; ++i) o[i] = accumulators[i] * output_scale;
    }
  };
  if (n_threads == 1 || items * (max_pos + 1) * head_dim < 32 * 1024) {
    work(0, 1);
  } else {
    parallel_run(stream, work);
  }
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

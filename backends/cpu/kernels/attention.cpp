// ATTENTION: causal attention of query tokens over a paged KV cache, with GQA.
//   q           F32 [n_tokens, n_head, head_dim]
//   k/v cache   F32|F16 [n_blocks, block_size, n_kv_head, head_dim]
//   block_table I32 [n_seqs, max_blocks_per_seq]
//   token_seq   I32 [n_tokens], token_pos I32 [n_tokens]
//   out         F32 [n_tokens, n_head, head_dim]
// Token t attends to positions 0..token_pos[t] of sequence token_seq[t]; position p lives in physical
// block block_table[seq][p / block_size], slot p % block_size. Each (token, head) pair runs a dot pass
// over K, a softmax and a weighted sum of V; prompt batches over an F16 cache run them by blocks of
// queries that share a KV head.
#include <algorithm>
#include <atomic>
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

// Sums lane rows [0, lane_rows) into row 0 by halves, (r, r + lane_rows / 2) down to (0, 1): for 64 lane
// rows that is four accumulators of 16 combined as (0 + 2) + (1 + 3), then their lanes pairwise, as
// kernels/attention_kernels.h fixes. Rows from n_rows on were never written.
void sum_lane_rows(float* rows, int64_t lane_rows, int64_t n_rows, int64_t stride, int64_t length) {
  int64_t used = std::min(lane_rows, n_rows);
  for (int64_t half = lane_rows / 2; half >= 1; half /= 2) add_upper_rows(rows, half, &used, stride, length);
}

// What both ways of running attention read: the validated operands of one call.
struct Layout {
  const tessera_tensor* q;
  const tessera_tensor* out;
  const char* keys;    // kv head 0 of the K cache
  const char* values;  // kv head 0 of the V cache
  int64_t kv_head_stride;
  const int32_t* seq;
  const int32_t* pos;
  const int64_t* first_row;    // [n_seqs]: sequence seq's first entry in row_offsets
  const int64_t* row_offsets;  // byte offset of each (sequence, position) row in the caches
  int64_t n_tokens, n_head, n_kv_head, head_dim;
  int64_t max_rows;  // positions the longest query attends to
  float scale;
  const tessera_attention_kernels* kernels;
  float* scratch;  // per thread, laid out as the path's *_scratch_part_floats says
};

int64_t round_to_line(int64_t floats) {
  return (floats + 15) / 16 * 16;
}

const float* query_row(const Layout& layout, int64_t t, int64_t h) {
  return reinterpret_cast<const float*>(static_cast<const char*>(layout.q->data) + t * layout.q->stride[0] +
                                        h * layout.q->stride[1]);
}

float* output_row(const Layout& layout, int64_t t, int64_t h) {
  return reinterpret_cast<float*>(static_cast<char*>(layout.out->data) + t * layout.out->stride[0] +
                                  h * layout.out->stride[1]);
}

// Lane rows of the per-query accumulation: 1 for F32, 16 for the tiled F16 order, 64 for four
// accumulators of 16.
int64_t lane_rows_of(const Layout& layout, bool half, bool tiled) {
  return !half ? 1 : tiled && layout.head_dim % 4 == 0 ? 16 : 64;
}

// Per thread: scores [max_rows], a rounded query [head_dim] and lane_rows accumulators [head_dim], each
// rounded to a cache line.
int64_t query_scratch_part_floats(const Layout& layout, bool half, bool tiled) {
  return round_to_line(layout.max_rows) +
         (lane_rows_of(layout, half, tiled) + 1) * round_to_line(layout.head_dim);
}

// One (token, head) pair at a time: a dot pass over K, a softmax and a weighted sum of V. Pairs are
// dealt out round-robin: later tokens of a prompt attend to more positions, so contiguous ranges would
// leave the last thread with most of the work.
void attend_by_query(Stream& stream, const Layout& layout, bool half, bool tiled) {
  const tessera_attention_kernels* kernels = layout.kernels;
  const int64_t head_dim = layout.head_dim, group = layout.n_head / layout.n_kv_head;
  const int64_t lane_rows = lane_rows_of(layout, half, tiled);
  const int64_t scores_floats = round_to_line(layout.max_rows), head_floats = round_to_line(head_dim);
  const int64_t per_thread = query_scratch_part_floats(layout, half, tiled);
  const auto scores_kernel = !half                         ? kernels->scores_f32
                             : tiled && head_dim % 16 == 0 ? kernels->scores_f16_sixteen_lanes
                                                           : kernels->scores_f16_four_accumulators;
  const auto accumulate = half ? kernels->accumulate_f16 : kernels->accumulate_f32;
  const int64_t items = layout.n_tokens * layout.n_head;
  auto work = [&](int thread_index, int threads) {
    float* scores = layout.scratch + per_thread * thread_index;
    float* rounded_query = scores + scores_floats;
    float* accumulators = rounded_query + head_floats;  // [lane_rows][head_floats]
    for (int64_t item = thread_index; item < items; item += threads) {
      const int64_t t = item / layout.n_head, h = item % layout.n_head, kv_head = h / group;
      const int64_t n_positions = layout.pos[t] + 1;
      const int64_t* offsets = layout.row_offsets + layout.first_row[layout.seq[t]];
      const char* keys = layout.keys + kv_head * layout.kv_head_stride;
      const char* values = layout.values + kv_head * layout.kv_head_stride;
      const float* query = query_row(layout, t, h);
      if (half) {
        // The query is converted to the cache type, so each product of two F16 values is exact.
        kernels->round_to_f16(rounded_query, query, head_dim, 1.0f);
        query = rounded_query;
      }
      const float max = scores_kernel(query, keys, offsets, n_positions, head_dim, layout.scale, scores);
      const auto inverse = static_cast<float>(1.0 / kernels->exp_sum(scores, n_positions, max));
      // F16: normalised probabilities rounded to F16 weight the F16 values (again exact products).
      if (half) kernels->round_to_f16(scores, scores, n_positions, inverse);
      accumulate(accumulators, head_floats, lane_rows, scores, values, offsets, n_positions, head_dim);
      sum_lane_rows(accumulators, lane_rows, n_positions, head_floats, head_dim);
      float* o = output_row(layout, t, h);
      const float output_scale = half ? 1.0f : inverse;
      for (int64_t i = 0; i < head_dim; ++i) o[i] = accumulators[i] * output_scale;
    }
  };
  if (stream.threads().size() == 1 || items * layout.max_rows * head_dim < 32 * 1024) {
    work(0, 1);
  } else {
    parallel_run(stream, work);
  }
}

// Queries of one block: consecutive tokens of one sequence times the heads of one KV head group.
int64_t block_queries(const Layout& layout) {
  const int64_t group = layout.n_head / layout.n_kv_head;
  // About 32 queries share each converted K and V row; fewer when long rows would make the scores of a
  // block exceed 4 MiB.
  int64_t tokens = std::max<int64_t>(1, 32 / group);
  tokens =
      std::min(tokens, std::max<int64_t>(1, (int64_t{1} << 20) / (group * round_to_line(layout.max_rows))));
  return tokens * group;
}

struct BlockScratch {
  float* queries;   // [queries][head_floats], rounded to F16
  float* scores;    // [queries][scores_floats]
  float* lanes;     // [TESSERA_ATTENTION_BLOCK_LANES][head_floats]
  int64_t* n_rows;  // [queries]
  float** outputs;  // [queries]
};

// Per thread, each part rounded to a cache line.
int64_t block_scratch_part_floats(const Layout& layout, BlockScratch* parts, float* start) {
  const int64_t queries = block_queries(layout), head_floats = round_to_line(layout.head_dim);
  const int64_t sizes[5] = {queries * head_floats, queries * round_to_line(layout.max_rows),
                            TESSERA_ATTENTION_BLOCK_LANES * head_floats, round_to_line(queries * 2),
                            round_to_line(queries * 2)};
  if (parts != nullptr) {
    parts->queries = start;
    parts->scores = parts->queries + sizes[0];
    parts->lanes = parts->scores + sizes[1];
    parts->n_rows = reinterpret_cast<int64_t*>(parts->lanes + sizes[2]);
    parts->outputs = reinterpret_cast<float**>(parts->lanes + sizes[2] + sizes[3]);
  }
  return sizes[0] + sizes[1] + sizes[2] + sizes[3] + sizes[4];
}

// One (block of queries, KV head) item at a time, for a prompt batch over an F16 cache: the queries of
// a block share the K and V rows of their KV head, so a level with block kernels converts each row
// once per tile of queries. Every query gets the same bits as on its own.
void attend_by_blocks(Stream& stream, const Layout& layout) {
  const tessera_attention_kernels* kernels = layout.kernels;
  const int64_t head_dim = layout.head_dim, group = layout.n_head / layout.n_kv_head;
  const int64_t head_floats = round_to_line(head_dim), scores_floats = round_to_line(layout.max_rows);
  const int64_t tokens_per_block = block_queries(layout) / group;
  // Blocks of consecutive tokens of one sequence: block b starts at token starts[b].
  std::vector<int64_t> starts;
  for (int64_t t = 0; t < layout.n_tokens; ++t) {
    if (starts.empty() || t - starts.back() == tokens_per_block || layout.seq[t] != layout.seq[t - 1])
      starts.push_back(t);
  }
  const auto n_blocks = static_cast<int64_t>(starts.size());
  starts.push_back(layout.n_tokens);
  const int64_t items = n_blocks * layout.n_kv_head;
  const int64_t per_thread = block_scratch_part_floats(layout, nullptr, nullptr);
  std::atomic<int64_t> next_item{0};
  auto work = [&](int thread_index, int) {
    BlockScratch parts{};
    block_scratch_part_floats(layout, &parts, layout.scratch + per_thread * thread_index);
    // Items are claimed last block first: in a prompt the later tokens attend to more positions, and
    // the heaviest items started first leave the least idle time at the end.
    for (int64_t item = next_item++; item < items; item = next_item++) {
      const int64_t block = n_blocks - 1 - item / layout.n_kv_head, kv_head = item % layout.n_kv_head;
      const int64_t first_token = starts[block], n_queries = (starts[block + 1] - first_token) * group;
      const int64_t* offsets = layout.row_offsets + layout.first_row[layout.seq[first_token]];
      const char* keys = layout.keys + kv_head * layout.kv_head_stride;
      const char* values = layout.values + kv_head * layout.kv_head_stride;
      int64_t max_rows = 0;
      for (int64_t index = 0; index < n_queries; ++index) {
        const int64_t t = first_token + index / group, h = kv_head * group + index % group;
        // Queries are converted to the cache type, so each product of two F16 values is exact.
        kernels->round_to_f16(parts.queries + index * head_floats, query_row(layout, t, h), head_dim, 1.0f);
        parts.n_rows[index] = layout.pos[t] + 1;
        parts.outputs[index] = output_row(layout, t, h);
        max_rows = std::max(max_rows, parts.n_rows[index]);
      }
      if (kernels->scores_f16_block != nullptr) {
        kernels->scores_f16_block(parts.queries, head_floats, n_queries, keys, offsets, max_rows, head_dim,
                                  layout.scale, parts.scores, scores_floats);
      } else {
        for (int64_t index = 0; index < n_queries; ++index) {
          kernels->scores_f16_sixteen_lanes(parts.queries + index * head_floats, keys, offsets,
                                            parts.n_rows[index], head_dim, layout.scale,
                                            parts.scores + index * scores_floats);
        }
      }
      // Normalised probabilities rounded to F16 weight the F16 values (again exact products).
      for (int64_t index = 0; index < n_queries; ++index) {
        float* scores = parts.scores + index * scores_floats;
        const int64_t n_rows = parts.n_rows[index];
        const double sum = kernels->exp_sum(scores, n_rows, kernels->max_value(scores, n_rows));
        kernels->round_to_f16(scores, scores, n_rows, static_cast<float>(1.0 / sum));
      }
      if (kernels->accumulate_f16_block != nullptr) {
        kernels->accumulate_f16_block(parts.outputs, parts.scores, scores_floats, parts.n_rows, n_queries,
                                      values, offsets, head_dim, parts.lanes);
        continue;
      }
      for (int64_t index = 0; index < n_queries; ++index) {
        float* accumulators = parts.lanes;
        kernels->accumulate_f16(accumulators, head_floats, 16, parts.scores + index * scores_floats, values,
                                offsets, parts.n_rows[index], head_dim);
        sum_lane_rows(accumulators, 16, parts.n_rows[index], head_floats, head_dim);
        std::copy(accumulators, accumulators + head_dim, parts.outputs[index]);
      }
    }
  };
  if (stream.threads().size() == 1 || items < 2) {
    work(0, 1);
  } else {
    parallel_run(stream, work);
  }
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
  // Rows of the caches (kv head 0) in position order: sequence seq's rows start at first_row[seq].
  std::vector<int64_t> first_row(static_cast<size_t>(n_seqs), 0);
  int64_t n_rows = 0;
  for (int64_t seq = 0; seq < n_seqs; ++seq) {
    first_row[seq] = n_rows;
    n_rows += last[seq] + 1;
  }
  const tessera_attention_kernels* kernels = scalar_attention_kernels();
  if (stream.context->isa >= Isa::kAvx2 && avx2_attention_kernels() != nullptr)
    kernels = avx2_attention_kernels();
  if (stream.context->isa >= Isa::kAvx512 && avx512_attention_kernels() != nullptr)
    kernels = avx512_attention_kernels();
  // F16 cache: the orders of llama.cpp's CPU backend (flash attention off, KV cache F16), where K·Q and
  // the probabilities times V are matrix products. A batch of several tokens goes through its tiled
  // F16 GEMM (sixteen lanes; K·Q only when head_dim % 16 == 0), a single token through its F16 dot
  // product (four accumulators). The lanes follow the cache position, as the cells of a sequence that
  // starts at cell 0. In the block order a single token takes the tiled order too: a token's result then
  // does not depend on the batch it comes in, and (where head_dim % 4 == 0) 16 lane rows cost less to
  // sum than 64.
  const bool half = cache_dtype == TESSERA_DTYPE_F16;
  const bool tiled = n_tokens > 1 || !stream.context->plain_order;
  const bool by_blocks = half && n_tokens > 1 && head_dim % 16 == 0;
  Layout layout{};
  layout.q = &q;
  layout.out = &out;
  layout.keys = static_cast<const char*>(k_cache.data);
  layout.values = static_cast<const char*>(v_cache.data);
  layout.kv_head_stride = k_cache.stride[2];
  layout.seq = seq_data;
  layout.pos = pos_data;
  layout.first_row = first_row.data();
  layout.n_tokens = n_tokens;
  layout.n_head = n_head;
  layout.n_kv_head = n_kv_head;
  layout.head_dim = head_dim;
  layout.max_rows = max_pos + 1;
  layout.scale = call->params.attention.scale;
  layout.kernels = kernels;
  const int64_t offsets_floats = round_to_line(n_rows * 2);
  const int64_t per_thread = by_blocks ? block_scratch_part_floats(layout, nullptr, nullptr)
                                       : query_scratch_part_floats(layout, half, tiled);
  const int64_t scratch_floats = offsets_floats + stream.threads().size() * per_thread;
  std::byte* scratch = stream.scratch_bytes(static_cast<size_t>(scratch_floats) * sizeof(float));
  auto* row_offsets = reinterpret_cast<int64_t*>(scratch);
  layout.row_offsets = row_offsets;
  layout.scratch = reinterpret_cast<float*>(scratch) + offsets_floats;
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
  if (by_blocks) {
    attend_by_blocks(stream, layout);
  } else {
    attend_by_query(stream, layout, half, tiled);
  }
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

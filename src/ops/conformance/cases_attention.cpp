// Cases of attention: F32 and F16 caches, decode and prefill, GQA ratios 1 to 8, several sequences of
// different lengths in one call, shuffled physical blocks, head sizes that are not multiples of 16.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "ops/conformance/conformance.h"

namespace tessera::conformance {

namespace {

constexpr std::int32_t F32 = TESSERA_DTYPE_F32;
constexpr std::int32_t I32 = TESSERA_DTYPE_I32;

struct Sequence {
  std::int64_t length;    // tokens in the cache after this step
  std::int64_t n_query;   // the last n_query of them are queries in this call
};

struct AttentionShape {
  std::int64_t n_head, n_kv_head, head_dim, block_size;
  std::vector<Sequence> sequences;
};

Case attention_case(std::int32_t cache_dtype, const AttentionShape& shape, Random& random) {
  Case result;
  result.op = TESSERA_OP_ATTENTION;
  std::string sequences;
  for (const auto& sequence : shape.sequences) sequences += fmt::format(" {}/{}", sequence.n_query, sequence.length);
  result.name = fmt::format("attention {} cache heads={}/{} head_dim={} block={} queries/length:{}",
                            cache_dtype == F32 ? "F32" : "F16", shape.n_head, shape.n_kv_head, shape.head_dim,
                            shape.block_size, sequences);
  std::int64_t n_tokens = 0, max_blocks = 0, used_blocks = 0;
  for (const auto& sequence : shape.sequences) {
    const std::int64_t blocks = (sequence.length + shape.block_size - 1) / shape.block_size;
    n_tokens += sequence.n_query;
    max_blocks = std::max(max_blocks, blocks);
    used_blocks += blocks;
  }
  const std::int64_t n_blocks = used_blocks + 2;  // spare blocks hold unrelated data
  // Physical blocks in a scrambled order, so logical and physical numbering never coincide.
  std::vector<std::int32_t> physical(static_cast<std::size_t>(n_blocks));
  std::int64_t multiplier = 7;
  while (std::gcd(multiplier, n_blocks) != 1) multiplier -= 2;
  for (std::int64_t i = 0; i < n_blocks; ++i) {
    physical[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * multiplier + 3) % n_blocks);
  }

  const auto n_seqs = static_cast<std::int64_t>(shape.sequences.size());
  HostTensor q(F32, {n_tokens, shape.n_head, shape.head_dim});
  fill_uniform(q, random, -2.0f, 2.0f);
  HostTensor k_cache(cache_dtype, {n_blocks, shape.block_size, shape.n_kv_head, shape.head_dim});
  HostTensor v_cache(cache_dtype, {n_blocks, shape.block_size, shape.n_kv_head, shape.head_dim});
  for (HostTensor* cache : {&k_cache, &v_cache}) {
    if (cache_dtype == F32) fill_uniform(*cache, random, -1.0f, 1.0f);
    else fill_uniform_f16(*cache, random, -1.0f, 1.0f);
  }
  HostTensor block_table(I32, {n_seqs, max_blocks});
  HostTensor token_seq(I32, {n_tokens});
  HostTensor token_pos(I32, {n_tokens});
  std::int64_t next_block = 0, token = 0;
  for (std::int64_t s = 0; s < n_seqs; ++s) {
    const Sequence& sequence = shape.sequences[static_cast<std::size_t>(s)];
    const std::int64_t blocks = (sequence.length + shape.block_size - 1) / shape.block_size;
    for (std::int64_t b = 0; b < max_blocks; ++b) {
      block_table.i32()[s * max_blocks + b] = b < blocks ? physical[static_cast<std::size_t>(next_block++)] : -1;
    }
    for (std::int64_t p = sequence.length - sequence.n_query; p < sequence.length; ++p, ++token) {
      token_seq.i32()[token] = static_cast<std::int32_t>(s);
      token_pos.i32()[token] = static_cast<std::int32_t>(p);
    }
  }
  result.inputs.push_back(std::move(q));
  result.inputs.push_back(std::move(k_cache));
  result.inputs.push_back(std::move(v_cache));
  result.inputs.push_back(std::move(block_table));
  result.inputs.push_back(std::move(token_seq));
  result.inputs.push_back(std::move(token_pos));
  result.output = HostTensor(F32, {n_tokens, shape.n_head, shape.head_dim});
  result.params.attention.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(shape.head_dim)));
  result.tolerance = cache_dtype == F32 ? Tolerance{1e-5, 1e-4} : Tolerance{1e-4, 1e-3};
  return result;
}

}  // namespace

void add_attention_cases(std::vector<Case>& cases) {
  Random random(0xA77E);
  const std::vector<AttentionShape> shapes = {
      {4, 4, 64, 16, {{38, 1}}},
      {8, 4, 64, 16, {{5, 5}}},
      {8, 2, 80, 8, {{41, 1}, {7, 7}, {20, 2}}},
      {8, 1, 32, 32, {{70, 3}, {1, 1}}},
      {6, 3, 72, 4, {{13, 13}, {30, 1}}},
      {4, 2, 128, 16, {{300, 1}, {64, 64}}},
      {2, 2, 3, 1, {{5, 2}}},
  };
  for (std::int32_t dtype : {TESSERA_DTYPE_F32, TESSERA_DTYPE_F16}) {
    for (const auto& shape : shapes) cases.push_back(attention_case(dtype, shape, random));
  }
}

}  // namespace tessera::conformance

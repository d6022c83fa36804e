// Attention over an F16 cache gives the same bits at every instruction-set level: the F16 products
// are exact, and every level adds them in the orders fixed by kernels/attention_kernels.h. Covers
// prompt batches (sixteen-lane dot products, by blocks of queries where the level has block kernels)
// and single tokens (llama.cpp's single-token order in the plain order, the batch's order in the block
// order), head sizes with and without a multiple of 16, GQA, and a block table that scatters the
// blocks. In the block order a token also gets the same bits alone as in a prompt batch.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu_at_level.h"
#include "ops/conformance/host_tensor.h"
#include "tessera/block_formats.h"

namespace tessera {
namespace {

constexpr std::int64_t kBlockSize = 16, kBlocks = 24, kHeads = 6, kKvHeads = 2;

struct Case {
  std::int64_t head_dim;
  std::vector<std::int32_t> seqs, positions;
};

// Query values of token t, head h: the same whichever batch the token is in.
float query_value(std::int32_t seq, std::int32_t position, std::int64_t h, std::int64_t i) {
  std::mt19937 generator(static_cast<std::uint32_t>(((seq * 1000 + position) * kHeads + h) * 1000 + i));
  return std::normal_distribution<float>(0.0f, 1.0f)(generator);
}

std::vector<float> run_at(const std::string& isa, const char* order, const Case& test_case) {
  const std::int64_t head_dim = test_case.head_dim,
                     n_tokens = static_cast<std::int64_t>(test_case.seqs.size());
  conformance::HostTensor q(TESSERA_DTYPE_F32, {n_tokens, kHeads, head_dim});
  conformance::HostTensor k_cache(TESSERA_DTYPE_F16, {kBlocks, kBlockSize, kKvHeads, head_dim});
  conformance::HostTensor v_cache(TESSERA_DTYPE_F16, {kBlocks, kBlockSize, kKvHeads, head_dim});
  auto* q_values = reinterpret_cast<float*>(q.bytes().data());
  for (std::int64_t t = 0; t < n_tokens; ++t) {
    const auto index = static_cast<std::size_t>(t);
    for (std::int64_t h = 0; h < kHeads; ++h) {
      for (std::int64_t i = 0; i < head_dim; ++i) {
        q_values[(t * kHeads + h) * head_dim + i] =
            query_value(test_case.seqs[index], test_case.positions[index], h, i);
      }
    }
  }
  std::mt19937 generator(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (auto* cache : {&k_cache, &v_cache}) {
    auto* halves = reinterpret_cast<std::uint16_t*>(cache->bytes().data());
    for (std::size_t i = 0; i < cache->bytes().size() / 2; ++i)
      halves[i] = tessera_f32_to_f16(normal(generator));
  }
  // Sequence 0 uses blocks 23, 21, 19, ...; sequence 1 blocks 0, 2, 4, ...
  conformance::HostTensor block_table(TESSERA_DTYPE_I32, {2, 12});
  for (int b = 0; b < 12; ++b) {
    block_table.i32()[b] = 23 - 2 * b;
    block_table.i32()[12 + b] = 2 * b;
  }
  conformance::HostTensor seqs(TESSERA_DTYPE_I32, {n_tokens}), positions(TESSERA_DTYPE_I32, {n_tokens});
  for (std::int64_t t = 0; t < n_tokens; ++t) {
    seqs.i32()[t] = test_case.seqs[static_cast<std::size_t>(t)];
    positions.i32()[t] = test_case.positions[static_cast<std::size_t>(t)];
  }
  conformance::HostTensor out(TESSERA_DTYPE_F32, {n_tokens, kHeads, head_dim});

  tessera_op_call call{};
  call.op = TESSERA_OP_ATTENTION;
  call.n_inputs = 6;
  call.inputs[0] = q.view();
  call.inputs[1] = k_cache.view();
  call.inputs[2] = v_cache.view();
  call.inputs[3] = block_table.view();
  call.inputs[4] = seqs.view();
  call.inputs[5] = positions.view();
  call.output = out.view();
  call.params.attention.scale = 0.125f;
  run_cpu_at_level(isa, call, order);
  const auto* values = reinterpret_cast<const float*>(out.bytes().data());
  return std::vector<float>(values, values + n_tokens * kHeads * head_dim);
}

bool has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

// A prompt of `first_tokens` tokens of sequence 0 and 3 tokens of sequence 1 at positions 100..102.
Case two_sequence_batch(std::int64_t head_dim, int first_tokens) {
  Case batch{head_dim, {}, {}};
  for (int p = 0; p < first_tokens; ++p) {
    batch.seqs.push_back(0);
    batch.positions.push_back(p);
  }
  for (int p : {100, 101, 102}) {
    batch.seqs.push_back(1);
    batch.positions.push_back(p);
  }
  return batch;
}

// Prompts of both sequences and single tokens, for each head size.
std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (std::int64_t head_dim : {64, 48, 80, 20, 128}) {
    cases.push_back(two_sequence_batch(head_dim, 45));
    // A prompt that starts past position 0 in sequence 1, long enough for full tiles of queries and keys.
    Case continued{head_dim, {}, {}};
    for (int p = 37; p < 150; ++p) {
      continued.seqs.push_back(1);
      continued.positions.push_back(p);
    }
    cases.push_back(continued);
    for (int position : {0, 5, 63, 64, 150, 191}) cases.push_back(Case{head_dim, {1}, {position}});
  }
  return cases;
}

void expect_same_bits(const std::vector<float>& expected, const std::vector<float>& actual, std::size_t first,
                      const std::string& what) {
  for (std::size_t i = 0; i < actual.size(); ++i) {
    ASSERT_EQ(std::memcmp(&expected[first + i], &actual[i], 4), 0)
        << what << ": element " << i << " is " << actual[i] << ", expected " << expected[first + i];
  }
}

TEST(AttentionBits, EveryLevelGivesTheScalarBits) {
  // The backend caps a requested level at what the CPU has; without AVX2 there is nothing to compare.
  if (!has_avx2()) GTEST_SKIP() << "this CPU has no AVX2";
  for (const char* order : {"plain", "blocks"}) {
    for (const Case& test_case : all_cases()) {
      const auto scalar = run_at("scalar", order, test_case);
      // The backend caps a level at what the CPU has: without AVX-512 the last run repeats AVX2's.
      for (const char* isa : {"avx2", "avx512"}) {
        ASSERT_NO_FATAL_FAILURE(expect_same_bits(scalar, run_at(isa, order, test_case), 0,
                                                 std::string(isa) + ", " + order + " order, head_dim " +
                                                     std::to_string(test_case.head_dim) + ", " +
                                                     std::to_string(test_case.seqs.size()) + " tokens"));
      }
    }
  }
}

// Head sizes that are a multiple of 16 (the batch goes by blocks of queries), of 4 only (by query, 16
// lane rows) and of neither (64 lane rows); tokens of both sequences of one batch.
TEST(AttentionBits, InTheBlockOrderATokenAloneGetsItsBitsInABatch) {
  for (const char* isa : {"scalar", "avx2", "avx512"}) {
    for (std::int64_t head_dim : {64, 48, 20, 18}) {
      const Case batch = two_sequence_batch(head_dim, 40);
      const auto together = run_at(isa, "blocks", batch);
      for (std::size_t t : {0, 1, 15, 16, 17, 39, 40, 42}) {
        const auto alone = run_at(isa, "blocks", Case{head_dim, {batch.seqs[t]}, {batch.positions[t]}});
        ASSERT_NO_FATAL_FAILURE(expect_same_bits(
            together, alone, t * kHeads * head_dim,
            std::string(isa) + ", head_dim " + std::to_string(head_dim) + ", token " + std::to_string(t)));
      }
    }
  }
}

}  // namespace
}  // namespace tessera

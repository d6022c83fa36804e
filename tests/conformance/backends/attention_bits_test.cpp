// Attention over an F16 cache gives the same bits at every instruction-set level: the F16 products
// are exact, and every level adds them in the orders fixed by kernels/attention_kernels.h. Covers a
// prompt batch (sixteen-lane dot products) and single tokens (four accumulators), head sizes with and
// without a multiple of 16, GQA, and a block table that scatters the blocks.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/backend.h"
#include "runtime/device.h"
#include "tessera/block_formats.h"

namespace tessera {
namespace {

constexpr std::int64_t kBlockSize = 16, kBlocks = 24, kHeads = 6, kKvHeads = 2;

tessera_tensor make_tensor(void* data, std::int32_t dtype, std::vector<std::int64_t> shape,
                           std::int64_t element_bytes) {
  tessera_tensor tensor{};
  tensor.data = data;
  tensor.dtype = dtype;
  tensor.n_dims = static_cast<std::int32_t>(shape.size());
  std::int64_t stride = element_bytes;
  for (int d = tensor.n_dims - 1; d >= 0; --d) {
    tensor.shape[d] = shape[d];
    tensor.stride[d] = stride;
    stride *= shape[d];
  }
  return tensor;
}

struct Case {
  std::int64_t head_dim;
  std::vector<std::int32_t> seqs, positions;
};

std::vector<float> run_at(const std::string& isa, const Case& test_case) {
  const std::int64_t head_dim = test_case.head_dim,
                     n_tokens = static_cast<std::int64_t>(test_case.seqs.size());
  std::mt19937 generator(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  // q [n_tokens, kHeads, head_dim]; caches [kBlocks, kBlockSize, kKvHeads, head_dim] in F16.
  std::vector<float> q(static_cast<std::size_t>(n_tokens * kHeads * head_dim));
  for (float& value : q) value = normal(generator);
  std::vector<std::uint16_t> k_cache(static_cast<std::size_t>(kBlocks * kBlockSize * kKvHeads * head_dim));
  std::vector<std::uint16_t> v_cache(k_cache.size());
  for (auto& value : k_cache) value = tessera_f32_to_f16(normal(generator));
  for (auto& value : v_cache) value = tessera_f32_to_f16(normal(generator));
  // Sequence 0 uses blocks 23, 21, 19, ...; sequence 1 blocks 0, 2, 4, ...
  std::vector<std::int32_t> block_table(2 * 12);
  for (int b = 0; b < 12; ++b) {
    block_table[b] = 23 - 2 * b;
    block_table[12 + b] = 2 * b;
  }
  std::vector<std::int32_t> seqs = test_case.seqs, positions = test_case.positions;
  std::vector<float> out(q.size());

  auto backend = runtime::Backend::load(std::string(TESSERA_BACKEND_DIR) + "/libtessera_backend_cpu.so")
                     .value_or_throw();
  EXPECT_TRUE(backend->configure("isa", isa).ok());
  runtime::Device device(backend, 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  tessera_op_call call{};
  call.op = TESSERA_OP_ATTENTION;
  call.n_inputs = 6;
  call.inputs[0] = make_tensor(q.data(), TESSERA_DTYPE_F32, {n_tokens, kHeads, head_dim}, 4);
  call.inputs[1] =
      make_tensor(k_cache.data(), TESSERA_DTYPE_F16, {kBlocks, kBlockSize, kKvHeads, head_dim}, 2);
  call.inputs[2] =
      make_tensor(v_cache.data(), TESSERA_DTYPE_F16, {kBlocks, kBlockSize, kKvHeads, head_dim}, 2);
  call.inputs[3] = make_tensor(block_table.data(), TESSERA_DTYPE_I32, {2, 12}, 4);
  call.inputs[4] = make_tensor(seqs.data(), TESSERA_DTYPE_I32, {n_tokens}, 4);
  call.inputs[5] = make_tensor(positions.data(), TESSERA_DTYPE_I32, {n_tokens}, 4);
  call.output = make_tensor(out.data(), TESSERA_DTYPE_F32, {n_tokens, kHeads, head_dim}, 4);
  call.params.attention.scale = 0.125f;
  EXPECT_TRUE(stream->run(call).ok()) << isa;
  return out;
}

TEST(AttentionBits, EveryLevelGivesTheScalarBits) {
  // The backend caps a requested level at what the CPU has; without AVX2 there is nothing to compare.
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("f16c")) {
    GTEST_SKIP() << "this CPU has no AVX2";
  }
  std::vector<Case> cases;
  for (std::int64_t head_dim : {64, 48, 80, 20, 128}) {
    Case prompt{head_dim, {}, {}};  // a 45-token prompt of sequence 0 and 3 tokens of sequence 1
    for (int p = 0; p < 45; ++p) {
      prompt.seqs.push_back(0);
      prompt.positions.push_back(p);
    }
    for (int p : {100, 101, 102}) {
      prompt.seqs.push_back(1);
      prompt.positions.push_back(p);
    }
    cases.push_back(prompt);
    for (int position : {0, 5, 63, 64, 150, 191}) cases.push_back(Case{head_dim, {1}, {position}});
  }
  for (const Case& test_case : cases) {
    const auto scalar = run_at("scalar", test_case);
    for (const char* isa : {"avx2"}) {  // attention has no AVX-512 level of its own
      const auto vector = run_at(isa, test_case);
      for (std::size_t i = 0; i < scalar.size(); ++i) {
        ASSERT_EQ(std::memcmp(&scalar[i], &vector[i], 4), 0)
            << isa << ", head_dim " << test_case.head_dim << ", " << test_case.seqs.size()
            << " tokens: element " << i << " is " << vector[i] << ", scalar " << scalar[i];
      }
    }
  }
}

}  // namespace
}  // namespace tessera

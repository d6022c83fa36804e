// RoPE gives the same bits at every instruction-set level: both the scalar and the AVX2 rotation use one
// fused multiply-add per output. Both modes, partial rotation, large positions and in-place use.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu_at_level.h"
#include "ops/conformance/host_tensor.h"

namespace tessera {
namespace {

constexpr std::int64_t kTokens = 7, kHeads = 3, kHeadDim = 48;

std::vector<float> run_at(const std::string& isa, tessera_rope_mode mode, int n_rot, bool in_place) {
  std::mt19937 generator(11);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  conformance::HostTensor x(TESSERA_DTYPE_F32, {kTokens, kHeads, kHeadDim});
  conformance::HostTensor out(TESSERA_DTYPE_F32, {kTokens, kHeads, kHeadDim});
  auto* x_values = reinterpret_cast<float*>(x.bytes().data());
  for (std::int64_t i = 0; i < kTokens * kHeads * kHeadDim; ++i) x_values[i] = normal(generator);
  conformance::HostTensor positions(TESSERA_DTYPE_I32, {kTokens});
  const std::int32_t position_values[kTokens] = {0, 1, 5, 63, 1000, 4095, 32767};
  for (std::int64_t t = 0; t < kTokens; ++t) positions.i32()[t] = position_values[t];
  tessera_op_call call{};
  call.op = TESSERA_OP_ROPE;
  call.n_inputs = 2;
  call.inputs[0] = x.view();
  call.inputs[1] = positions.view();
  call.output = in_place ? x.view() : out.view();
  call.params.rope.mode = mode;
  call.params.rope.n_rot = n_rot;
  call.params.rope.freq_base = 10000.0f;
  call.params.rope.freq_scale = 0.5f;
  run_cpu_at_level(isa, call);
  const auto* values = reinterpret_cast<const float*>((in_place ? x : out).bytes().data());
  return std::vector<float>(values, values + kTokens * kHeads * kHeadDim);
}

TEST(RopeBits, EveryLevelGivesTheScalarBits) {
  // The backend caps a requested level at what the CPU has; without AVX2 there is nothing to compare.
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    GTEST_SKIP() << "this CPU has no AVX2";
  for (tessera_rope_mode mode : {TESSERA_ROPE_NORMAL, TESSERA_ROPE_NEOX}) {
    for (int n_rot : {48, 32}) {
      for (bool in_place : {false, true}) {
        const auto scalar = run_at("scalar", mode, n_rot, in_place);
        const auto vector = run_at("avx2", mode, n_rot, in_place);
        for (std::size_t i = 0; i < scalar.size(); ++i) {
          ASSERT_EQ(std::memcmp(&scalar[i], &vector[i], 4), 0)
              << "mode " << mode << ", n_rot " << n_rot << ", element " << i << ": " << vector[i] << " vs "
              << scalar[i];
        }
      }
    }
  }
}

}  // namespace
}  // namespace tessera

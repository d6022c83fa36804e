// RoPE gives the same bits at every instruction-set level: both the scalar and the AVX2 rotation use one
// fused multiply-add per output. Both modes, partial rotation, large positions and in-place use.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/backend.h"
#include "runtime/device.h"

namespace tessera {
namespace {

constexpr std::int64_t kTokens = 7, kHeads = 3, kHeadDim = 48;

tessera_tensor make_tensor(void* data, std::int32_t dtype, std::vector<std::int64_t> shape) {
  tessera_tensor tensor{};
  tensor.data = data;
  tensor.dtype = dtype;
  tensor.n_dims = static_cast<std::int32_t>(shape.size());
  std::int64_t stride = 4;
  for (int d = tensor.n_dims - 1; d >= 0; --d) {
    tensor.shape[d] = shape[d];
    tensor.stride[d] = stride;
    stride *= shape[d];
  }
  return tensor;
}

std::vector<float> run_at(const std::string& isa, tessera_rope_mode mode, int n_rot, bool in_place) {
  std::mt19937 generator(11);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> x(static_cast<std::size_t>(kTokens * kHeads * kHeadDim));
  for (float& value : x) value = normal(generator);
  std::vector<std::int32_t> positions = {0, 1, 5, 63, 1000, 4095, 32767};
  std::vector<float> out(x.size());
  auto backend = runtime::Backend::load(std::string(TESSERA_BACKEND_DIR) + "/libtessera_backend_cpu.so")
                     .value_or_throw();
  EXPECT_TRUE(backend->configure("isa", isa).ok());
  runtime::Device device(backend, 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  tessera_op_call call{};
  call.op = TESSERA_OP_ROPE;
  call.n_inputs = 2;
  call.inputs[0] = make_tensor(x.data(), TESSERA_DTYPE_F32, {kTokens, kHeads, kHeadDim});
  call.inputs[1] = make_tensor(positions.data(), TESSERA_DTYPE_I32, {kTokens});
  call.output = make_tensor(in_place ? x.data() : out.data(), TESSERA_DTYPE_F32, {kTokens, kHeads, kHeadDim});
  call.params.rope.mode = mode;
  call.params.rope.n_rot = n_rot;
  call.params.rope.freq_base = 10000.0f;
  call.params.rope.freq_scale = 0.5f;
  EXPECT_TRUE(stream->run(call).ok()) << isa;
  return in_place ? x : out;
}

TEST(RopeBits, EveryLevelGivesTheScalarBits) {
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

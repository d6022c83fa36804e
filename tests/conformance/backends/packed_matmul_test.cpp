// The CPU backend's packed matmul weights (rows16 layout) against the same weights in the plain layout,
// at every instruction-set level: small batches must give bit-identical results (they add up in the
// plain kernels' order; Q8_0, Q4_0 and Q4_1 only), other batches and types the same values within float
// rounding of the sums.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "runtime/backend.h"
#include "runtime/device.h"
#include "tensor/quantize.h"

namespace tessera {
namespace {

tessera_tensor describe(void* data, DType dtype, std::int64_t rows, std::int64_t n, std::int64_t row_bytes) {
  tessera_tensor tensor{};
  tensor.data = data;
  tensor.dtype = static_cast<std::int32_t>(dtype);
  tensor.n_dims = 2;
  tensor.shape[0] = rows;
  tensor.shape[1] = n;
  tensor.stride[0] = row_bytes;
  tensor.stride[1] = dtype == DType::kF32 ? 4 : 0;
  return tensor;
}

std::vector<float> random_values(std::int64_t count, std::uint64_t seed, float scale) {
  std::vector<float> values(static_cast<std::size_t>(count));
  for (auto& value : values) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    value = scale * (static_cast<float>(static_cast<std::int64_t>(seed >> 40) % 2001) / 1000.0f - 1.0f);
  }
  return values;
}

struct Shape {
  std::int64_t m, n_in, n_out;
};

class PackedMatmul : public ::testing::TestWithParam<std::string> {};

TEST_P(PackedMatmul, MatchesThePlainLayout) {
  auto backend = runtime::Backend::load(std::string(TESSERA_BACKEND_DIR) + "/libtessera_backend_cpu.so");
  ASSERT_TRUE(backend.ok()) << backend.error().to_string();
  ASSERT_TRUE(backend.value()->configure("isa", GetParam()).ok());
  ASSERT_TRUE(backend.value()->configure("threads", "2").ok());
  runtime::Device device(backend.value(), 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  const Shape shapes[] = {{1, 512, 48}, {3, 1536, 40}, {15, 256, 7}, {16, 768, 33}, {67, 512, 40}, {130, 256, 16}};
  for (DType dtype : {DType::kQ8_0, DType::kQ4_0, DType::kQ4_1, DType::kQ4_K, DType::kQ5_0, DType::kQ5_1, DType::kQ6_K}) {
    for (const Shape& shape : shapes) {
      SCOPED_TRACE(testing::Message() << dtype_info(dtype).name << " m=" << shape.m << " n_in=" << shape.n_in
                                      << " n_out=" << shape.n_out);
      auto weight_bytes = quantize(dtype, random_values(shape.n_out * shape.n_in, 7 + shape.m, 0.05f)).value_or_throw();
      std::vector<float> x = random_values(shape.m * shape.n_in, 11 + shape.n_out, 3.0f);
      std::vector<float> plain(static_cast<std::size_t>(shape.m * shape.n_out));
      std::vector<float> packed(plain.size(), NAN);
      tessera_op_call call{};
      call.op = TESSERA_OP_MATMUL;
      call.n_inputs = 2;
      call.inputs[0] = describe(weight_bytes.data(), dtype, shape.n_out, shape.n_in,
                                static_cast<std::int64_t>(weight_bytes.size()) / shape.n_out);
      call.inputs[1] = describe(x.data(), DType::kF32, shape.m, shape.n_in, shape.n_in * 4);
      call.output = describe(plain.data(), DType::kF32, shape.m, shape.n_out, shape.n_out * 4);
      ASSERT_TRUE(stream->run(call).ok());

      auto packed_weight = runtime::pack_weight(device, TESSERA_OP_MATMUL, call.inputs[0]);
      ASSERT_TRUE(packed_weight.ok()) << packed_weight.error().to_string();
      ASSERT_NE(packed_weight->buffer.data(), nullptr) << "the CPU backend packs this dtype";
      call.inputs[0] = packed_weight->tensor;
      call.output.data = packed.data();
      ASSERT_TRUE(stream->run(call, packed_weight->layout).ok());

      float largest = 0.0f;
      for (float value : plain) largest = std::fmax(largest, std::fabs(value));
      for (std::size_t i = 0; i < plain.size(); ++i) {
        const bool plain_order = dtype == DType::kQ8_0 || dtype == DType::kQ4_0 || dtype == DType::kQ4_1;
        if (shape.m < 16 && plain_order) {  // the other types have one (fast) order
          ASSERT_EQ(packed[i], plain[i]) << "element " << i;  // same order of addition: bit-identical
        } else {
          ASSERT_NEAR(packed[i], plain[i], 2e-5f * largest) << "element " << i;
        }
      }
    }
  }
}

// A level above what the machine has is capped to the detected level, so every level runs everywhere.
INSTANTIATE_TEST_SUITE_P(IsaLevels, PackedMatmul, ::testing::Values("scalar", "avx2", "avx512"));

}  // namespace
}  // namespace tessera

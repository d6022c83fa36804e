// The CPU backend's packed matmul weights (rows16 layout) against the same weights in the plain layout,
// at every instruction-set level: small batches must give bit-identical results (they add up in the
// plain kernels' order; Q8_0, Q4_0 and Q4_1 only), other batches and types the same values within float
// rounding of the sums.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cpu_at_level.h"
#include "ops/conformance/host_tensor.h"
#include "tensor/quantize.h"

namespace tessera {
namespace {

using conformance::matrix_view;

struct Shape {
  std::int64_t m, n_in, n_out;
};

class PackedMatmul : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { backend_ = load_cpu_at_level(GetParam(), "2"); }

  // Runs x [m, n_in] @ weight [n_out, n_in]^T on the plain and the packed layout and compares them.
  void compare_layouts(DType dtype, const Shape& shape, const std::vector<float>& weight_values,
                       std::vector<float> x) {
    runtime::Device device(backend_, 0);
    auto stream = runtime::Stream::create(device).value_or_throw();
    auto weight_bytes = quantize(dtype, weight_values).value_or_throw();
    std::vector<float> plain(static_cast<std::size_t>(shape.m * shape.n_out));
    std::vector<float> packed(plain.size(), NAN);
    tessera_op_call call{};
    call.op = TESSERA_OP_MATMUL;
    call.n_inputs = 2;
    call.inputs[0] =
        matrix_view(weight_bytes.data(), static_cast<std::int32_t>(dtype), shape.n_out, shape.n_in);
    call.inputs[1] = matrix_view(x.data(), TESSERA_DTYPE_F32, shape.m, shape.n_in);
    call.output = matrix_view(plain.data(), TESSERA_DTYPE_F32, shape.m, shape.n_out);
    ASSERT_NO_FATAL_FAILURE(run_plain_and_packed(device, *stream, call, plain.data(), packed.data()));

    float largest = 0.0f;
    for (float value : plain) largest = std::fmax(largest, std::fabs(value));
    const bool plain_order = dtype == DType::kQ8_0 || dtype == DType::kQ4_0 || dtype == DType::kQ4_1;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (shape.m < 16 && plain_order) {                    // the other types have one (fast) order
        ASSERT_EQ(packed[i], plain[i]) << "element " << i;  // same order of addition: bit-identical
      } else {
        ASSERT_NEAR(packed[i], plain[i], 2e-5f * largest) << "element " << i;
      }
    }
  }

  std::shared_ptr<runtime::Backend> backend_;
};

constexpr DType kPackedTypes[] = {DType::kQ8_0, DType::kQ4_0, DType::kQ4_1, DType::kQ4_K,
                                  DType::kQ5_0, DType::kQ5_1, DType::kQ6_K};

TEST_P(PackedMatmul, MatchesThePlainLayout) {
  const Shape shapes[] = {{1, 512, 48},  {3, 1536, 40}, {15, 256, 7},
                          {16, 768, 33}, {67, 512, 40}, {130, 256, 16}};
  for (DType dtype : kPackedTypes) {
    for (const Shape& shape : shapes) {
      SCOPED_TRACE(testing::Message() << dtype_info(dtype).name << " m=" << shape.m << " n_in=" << shape.n_in
                                      << " n_out=" << shape.n_out);
      conformance::Random random(7 + shape.m * 1000 + shape.n_out);
      std::vector<float> weight =
          conformance::uniform_values(shape.n_out * shape.n_in, random, -0.05f, 0.05f);
      std::vector<float> x = conformance::uniform_values(shape.m * shape.n_in, random, -3.0f, 3.0f);
      compare_layouts(dtype, shape, weight, x);
      if (HasFatalFailure()) return;
    }
  }
}

// The largest integer sums the kernels can meet: every 4-bit level at its top (a block of 0.875 with one
// -1.0, the value that sets the scale, quantizes the rest to 15 in Q4_0) against activations at +-127
// whose signs follow the pairs of bytes that one 16-bit lane adds up (elements 4k, 4k + 1 positive,
// 4k + 2, 4k + 3 negative), and the same with the signs swapped. Sums kept in 16 bits must not wrap.
TEST_P(PackedMatmul, LargestSumsStayExact) {
  const Shape shape{32, 512, 32};
  std::vector<float> weight(static_cast<std::size_t>(shape.n_out * shape.n_in), 0.875f);
  for (std::size_t i = 2; i < weight.size(); i += 32) weight[i] = -1.0f;
  for (float sign : {1.0f, -1.0f}) {
    std::vector<float> x(static_cast<std::size_t>(shape.m * shape.n_in));
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 4 < 2 ? 3.0f : -3.0f) * sign;
    for (DType dtype : kPackedTypes) {
      SCOPED_TRACE(testing::Message() << dtype_info(dtype).name << " sign " << sign);
      compare_layouts(dtype, shape, weight, x);
      if (HasFatalFailure()) return;
    }
  }
}

// A level above what the machine has is capped to the detected level, so every level runs everywhere.
INSTANTIATE_TEST_SUITE_P(IsaLevels, PackedMatmul, ::testing::Values("scalar", "avx2", "avx512"));

}  // namespace
}  // namespace tessera

// The CPU backend's packed matmul weights (rows16 layout) against the same weights in the plain layout,
// at every instruction-set level: in the plain order, small batches must give bit-identical results
// (Q8_0, Q4_0 and Q4_1 only); other batches, types and the block order the same values within float
// rounding of the sums. The block order gives the same bits at every SIMD level and batch size.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
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

// Runs x [m, n_in] @ weight [n_out, n_in]^T with `backend` in the order of addition `order` ("plain" or
// "blocks") on the plain layout, writing *plain, and on the packed layout, writing *packed.
void run_both_layouts(const std::shared_ptr<runtime::Backend>& backend, const char* order, DType dtype,
                      const Shape& shape, const std::vector<float>& weight_values, std::vector<float> x,
                      std::vector<float>* plain, std::vector<float>* packed) {
  ASSERT_TRUE(backend->configure("order", order).ok()) << order;
  runtime::Device device(backend, 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  auto weight_bytes = quantize(dtype, weight_values).value_or_throw();
  plain->assign(static_cast<std::size_t>(shape.m * shape.n_out), NAN);
  packed->assign(plain->size(), NAN);
  tessera_op_call call{};
  call.op = TESSERA_OP_MATMUL;
  call.n_inputs = 2;
  call.inputs[0] =
      matrix_view(weight_bytes.data(), static_cast<std::int32_t>(dtype), shape.n_out, shape.n_in);
  call.inputs[1] = matrix_view(x.data(), TESSERA_DTYPE_F32, shape.m, shape.n_in);
  call.output = matrix_view(plain->data(), TESSERA_DTYPE_F32, shape.m, shape.n_out);
  ASSERT_NO_FATAL_FAILURE(run_plain_and_packed(device, *stream, call, plain->data(), packed->data()));
}

class PackedMatmul : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { backend_ = load_cpu_at_level(GetParam(), "2"); }

  // Runs x [m, n_in] @ weight [n_out, n_in]^T on the plain and the packed layout and compares them.
  void compare_layouts(DType dtype, const Shape& shape, const std::vector<float>& weight_values,
                       std::vector<float> x, bool plain_order) {
    std::vector<float> plain, packed;
    ASSERT_NO_FATAL_FAILURE(run_both_layouts(backend_, plain_order ? "plain" : "blocks", dtype, shape,
                                             weight_values, std::move(x), &plain, &packed));

    float largest = 0.0f;
    for (float value : plain) largest = std::fmax(largest, std::fabs(value));
    const bool two_orders = dtype == DType::kQ8_0 || dtype == DType::kQ4_0 || dtype == DType::kQ4_1;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (shape.m < 16 && plain_order && two_orders) {      // the other types have the block order only
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
  // n_out 44 and 29 end in a group of 12 and 13 rows: at AVX2 a second 8-row slice of 4 and 5.
  const Shape shapes[] = {{1, 512, 48},  {3, 1536, 40},  {15, 256, 7}, {16, 768, 33},
                          {67, 512, 40}, {130, 256, 16}, {1, 512, 44}, {3, 256, 29}};
  for (DType dtype : kPackedTypes) {
    for (const Shape& shape : shapes) {
      SCOPED_TRACE(testing::Message() << dtype_info(dtype).name << " m=" << shape.m << " n_in=" << shape.n_in
                                      << " n_out=" << shape.n_out);
      conformance::Random random(7 + shape.m * 1000 + shape.n_out);
      std::vector<float> weight =
          conformance::uniform_values(shape.n_out * shape.n_in, random, -0.05f, 0.05f);
      std::vector<float> x = conformance::uniform_values(shape.m * shape.n_in, random, -3.0f, 3.0f);
      for (bool plain_order : {true, false}) {
        SCOPED_TRACE(plain_order ? "plain order" : "block order");
        compare_layouts(dtype, shape, weight, x, plain_order);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// The largest integer sums the kernels can meet: every 4-bit level at its top (a block of 0.875 with one
// -1.0, the value that sets the scale, quantizes the rest to 15 in Q4_0) against activations at +-127
// whose signs follow the pairs of bytes that one 16-bit lane adds up (elements 4k, 4k + 1 positive,
// 4k + 2, 4k + 3 negative), and the same with the signs swapped. Sums kept in 16 bits must not wrap.
// Batches of 1 and 32 rows: the block order's single-row and multi-row kernels.
TEST_P(PackedMatmul, LargestSumsStayExact) {
  for (std::int64_t m : {1, 32}) {
    const Shape shape{m, 512, 32};
    std::vector<float> weight(static_cast<std::size_t>(shape.n_out * shape.n_in), 0.875f);
    for (std::size_t i = 2; i < weight.size(); i += 32) weight[i] = -1.0f;
    for (float sign : {1.0f, -1.0f}) {
      std::vector<float> x(static_cast<std::size_t>(shape.m * shape.n_in));
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 4 < 2 ? 3.0f : -3.0f) * sign;
      for (DType dtype : kPackedTypes) {
        SCOPED_TRACE(testing::Message() << dtype_info(dtype).name << " m=" << m << " sign " << sign);
        compare_layouts(dtype, shape, weight, x, false);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// A level above what the machine has is capped to the detected level, so every level runs everywhere.
INSTANTIATE_TEST_SUITE_P(IsaLevels, PackedMatmul, ::testing::Values("scalar", "avx2", "avx512"));

// The block order adds the same integer sums with the same float operations at AVX2 and AVX-512, so a
// model gives the same results on either kind of CPU (the SimdLevels model test checks that end to end).
// On an AVX2-only machine both runs are AVX2.
TEST(PackedMatmulBlockOrder, SameBitsAtEverySimdLevel) {
  const Shape shapes[] = {{1, 512, 48},  {3, 1536, 40}, {15, 256, 7},
                          {67, 512, 40}, {1, 512, 44},  {3, 256, 29}};
  for (DType dtype : kPackedTypes) {
    for (const Shape& shape : shapes) {
      SCOPED_TRACE(testing::Message() << dtype_info(dtype).name << " m=" << shape.m << " n_in=" << shape.n_in
                                      << " n_out=" << shape.n_out);
      conformance::Random random(11 + shape.m * 1000 + shape.n_out);
      const std::vector<float> weight =
          conformance::uniform_values(shape.n_out * shape.n_in, random, -0.05f, 0.05f);
      const std::vector<float> x = conformance::uniform_values(shape.m * shape.n_in, random, -3.0f, 3.0f);
      std::vector<float> plain, avx2, avx512;
      ASSERT_NO_FATAL_FAILURE(
          run_both_layouts(load_cpu_at_level("avx2", "2"), "blocks", dtype, shape, weight, x, &plain, &avx2));
      ASSERT_NO_FATAL_FAILURE(run_both_layouts(load_cpu_at_level("avx512", "2"), "blocks", dtype, shape,
                                               weight, x, &plain, &avx512));
      for (std::size_t i = 0; i < avx2.size(); ++i) ASSERT_EQ(avx2[i], avx512[i]) << "element " << i;
    }
  }
}

// In the block order a row's result does not depend on the batch it comes in: each row of a 67-row batch
// (tiles of several activation rows, then single rows) equals the same row multiplied alone, bit for bit.
TEST(PackedMatmulBlockOrder, EachRowOfABatchGetsItsBitsAlone) {
  const Shape batch{67, 512, 44};
  for (const char* isa : {"scalar", "avx2", "avx512"}) {
    const auto backend = load_cpu_at_level(isa, "2");
    for (DType dtype : kPackedTypes) {
      SCOPED_TRACE(testing::Message() << isa << " " << dtype_info(dtype).name);
      conformance::Random random(13);
      const std::vector<float> weight =
          conformance::uniform_values(batch.n_out * batch.n_in, random, -0.05f, 0.05f);
      const std::vector<float> x = conformance::uniform_values(batch.m * batch.n_in, random, -3.0f, 3.0f);
      std::vector<float> plain, together;
      ASSERT_NO_FATAL_FAILURE(
          run_both_layouts(backend, "blocks", dtype, batch, weight, x, &plain, &together));
      for (std::int64_t row : {0, 1, 7, 8, 63, 64, 66}) {
        const std::vector<float> one(x.begin() + row * batch.n_in, x.begin() + (row + 1) * batch.n_in);
        std::vector<float> alone;
        ASSERT_NO_FATAL_FAILURE(run_both_layouts(backend, "blocks", dtype, {1, batch.n_in, batch.n_out},
                                                 weight, one, &plain, &alone));
        for (std::int64_t i = 0; i < batch.n_out; ++i) {
          ASSERT_EQ(alone[static_cast<std::size_t>(i)],
                    together[static_cast<std::size_t>(row * batch.n_out + i)])
              << "row " << row << ", output " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tessera

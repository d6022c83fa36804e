// RMS norm in both orders of addition of the CPU backend. The plain order sums the squares (rounded to
// F32) in double one after the other, as llama.cpp's CPU backend does: the test computes that chain
// itself and expects the same bits, for batches of 1 to 9 rows (the kernel takes rows four at a time)
// and row lengths with and without a multiple of 8. The block order sums in 8 lanes: it must stay within
// float rounding of that, and give each row the same bits alone as in a batch.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cpu_at_level.h"
#include "ops/conformance/host_tensor.h"

namespace tessera {
namespace {

constexpr float kEpsilon = 1e-5f;

// x [rows, n] normalised with weight [n] in `order`, on the backend at the detected level.
std::vector<float> run_in(const char* order, const std::vector<float>& x, const std::vector<float>& weight,
                          std::int64_t rows, std::int64_t n) {
  std::vector<float> input = x, scale = weight, out(x.size(), NAN);
  tessera_op_call call{};
  call.op = TESSERA_OP_RMS_NORM;
  call.n_inputs = 2;
  call.inputs[0] = conformance::matrix_view(input.data(), TESSERA_DTYPE_F32, rows, n);
  call.inputs[1] = conformance::matrix_view(scale.data(), TESSERA_DTYPE_F32, 1, n);
  call.output = conformance::matrix_view(out.data(), TESSERA_DTYPE_F32, rows, n);
  call.params.epsilon = kEpsilon;
  run_cpu_at_level("avx512", call, order);
  return out;
}

// llama.cpp's order: squares rounded to F32, one chain of double additions, the mean rounded to F32.
float chained_output(const float* row, const std::vector<float>& weight, std::int64_t n, std::int64_t i) {
  double sum = 0.0;
  for (std::int64_t k = 0; k < n; ++k) sum += static_cast<double>(row[k] * row[k]);
  const auto mean = static_cast<float>(sum / static_cast<double>(n));
  const float inverse = 1.0f / std::sqrt(mean + kEpsilon);
  return row[i] * inverse * weight[static_cast<std::size_t>(i)];
}

TEST(RmsNormOrders, PlainIsTheChainAndBlocksStayWithinRounding) {
  for (std::int64_t n : {1, 7, 8, 29, 576}) {
    for (std::int64_t rows = 1; rows <= 9; ++rows) {
      SCOPED_TRACE(testing::Message() << rows << " rows of " << n);
      conformance::Random random(static_cast<std::uint64_t>(n * 100 + rows));
      const std::vector<float> x = conformance::uniform_values(rows * n, random, -4.0f, 4.0f);
      const std::vector<float> weight = conformance::uniform_values(n, random, 0.5f, 1.5f);
      const auto plain = run_in("plain", x, weight, rows, n);
      const auto blocks = run_in("blocks", x, weight, rows, n);
      for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t i = 0; i < n; ++i) {
          const auto index = static_cast<std::size_t>(r * n + i);
          const float expected = chained_output(x.data() + r * n, weight, n, i);
          ASSERT_EQ(plain[index], expected) << "plain order, row " << r << ", element " << i;
          ASSERT_NEAR(blocks[index], expected, 1e-6f * std::abs(expected) + 1e-30f)
              << "block order, row " << r << ", element " << i;
        }
        const std::vector<float> row(x.begin() + r * n, x.begin() + (r + 1) * n);
        const auto alone = run_in("blocks", row, weight, 1, n);
        for (std::int64_t i = 0; i < n; ++i) {
          ASSERT_EQ(alone[static_cast<std::size_t>(i)], blocks[static_cast<std::size_t>(r * n + i)])
              << "block order, row " << r << " alone, element " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tessera

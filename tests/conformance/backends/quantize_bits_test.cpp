// The AVX2 activation quantizer gives the scalar quantizer's bytes for Q8_0, Q8_1 and Q8_SUM rows:
// ties, zeros, extremes, a NaN and an infinity (their quants are 0), values whose product with the
// scale lands on a half, and random rows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/quant.h"

namespace tessera::cpu {
namespace {

std::vector<float> test_rows() {
  std::vector<float> values;
  std::mt19937 generator(3);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  for (int i = 0; i < 32 * 200; ++i) values.push_back(normal(generator));
  for (int i = 0; i < 32; ++i) values.push_back(0.0f);                               // all zero
  for (int i = 0; i < 32; ++i) values.push_back(static_cast<float>(i - 16) * 0.5f);  // halves after scaling
  for (int i = 0; i < 32; ++i) values.push_back(static_cast<float>(i) * 127.0f / 31.0f);  // the largest first
  for (int i = 0; i < 32; ++i) values.push_back(i % 2 == 0 ? 1e-30f : -3e38f);            // extremes
  for (int i = 0; i < 32; ++i) values.push_back(i == 5 ? NAN : static_cast<float>(i));    // a NaN
  for (int i = 0; i < 32; ++i) values.push_back(i == 7 ? INFINITY : 1.0f);                // an infinity
  return values;
}

TEST(QuantizeBits, Avx2GivesTheScalarBytes) {
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("f16c")) {
    GTEST_SKIP() << "this CPU has no AVX2";
  }
  const std::vector<float> values = test_rows();
  const auto n = static_cast<int64_t>(values.size());
  for (auto format : {TESSERA_ACTIVATION_Q8_0, TESSERA_ACTIVATION_Q8_1, TESSERA_ACTIVATION_Q8_SUM}) {
    const auto bytes = static_cast<size_t>(activation_row_bytes(format, n));
    std::vector<unsigned char> scalar(bytes), vector(bytes);
    quantize_activation_row(format, values.data(), scalar.data(), n);
    ASSERT_EQ(avx2_quantize_row()(format, values.data(), vector.data(), n), 1);
    for (size_t i = 0; i < bytes; ++i)
      ASSERT_EQ(scalar[i], vector[i]) << "format " << format << ", byte " << i;
  }
  std::vector<float> out(16);
  EXPECT_EQ(avx2_quantize_row()(TESSERA_ACTIVATION_F16, values.data(), out.data(), 8), 0);
}

}  // namespace
}  // namespace tessera::cpu

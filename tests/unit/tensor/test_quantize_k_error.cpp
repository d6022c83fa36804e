// Q4_K, Q5_K and Q6_K quantization error against llama.cpp's quantizer on the same inputs
// (fixture from tests/golden/quant/generate_quant_fixtures.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "quant_fixture.h"
#include "tensor/quantize.h"

namespace tessera {
namespace {

using testing::QuantFixture;

// Allowed excess of Tessera's RMSE over llama.cpp's on the same tensor.
constexpr double kSlack = 0.005;

double rmse(const std::vector<float>& approximation, const std::vector<float>& reference) {
  double sum = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const double difference = static_cast<double>(approximation[i]) - reference[i];
    sum += difference * difference;
  }
  return std::sqrt(sum / static_cast<double>(reference.size()));
}

const QuantFixture& llama_fixture() {
  static const QuantFixture fixture = QuantFixture::load("llama_cpp_k_quants.bin");
  return fixture;
}

class KQuantErrorTest : public ::testing::TestWithParam<DType> {};

TEST_P(KQuantErrorTest, NoWorseThanLlamaCpp) {
  const DType type = GetParam();
  const std::string type_name(dtype_name(type));
  const std::string input_prefix = "input/";
  int cases = 0;
  for (const auto& [record, bytes] : llama_fixture().records()) {
    if (record.rfind(input_prefix, 0) != 0) continue;
    const std::string distribution = record.substr(input_prefix.size());
    SCOPED_TRACE(type_name + " " + distribution);
    const std::vector<float> input = llama_fixture().floats(record);
    const auto n = static_cast<std::int64_t>(input.size());
    const double llama_rmse = llama_fixture().float64(type_name + "/" + distribution + "/rmse");

    // llama.cpp's bytes decoded here give the RMSE the generator measured with gguf.
    auto llama_decoded =
        dequantize(type, llama_fixture().bytes(type_name + "/" + distribution + "/encoded"), n);
    ASSERT_TRUE(llama_decoded.ok()) << llama_decoded.error().to_string();
    EXPECT_NEAR(rmse(*llama_decoded, input), llama_rmse, llama_rmse * 1e-9);

    auto encoded = quantize(type, input);
    ASSERT_TRUE(encoded.ok()) << encoded.error().to_string();
    auto decoded = dequantize(type, *encoded, n);
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    const double tessera_rmse = rmse(*decoded, input);
    std::printf("%-5s %-13s tessera rmse %.6e  llama.cpp rmse %.6e  ratio %.4f\n", type_name.c_str(),
                distribution.c_str(), tessera_rmse, llama_rmse, tessera_rmse / llama_rmse);
    EXPECT_LE(tessera_rmse, llama_rmse * (1 + kSlack));
    ++cases;
  }
  EXPECT_GE(cases, 6);
}

INSTANTIATE_TEST_SUITE_P(Types, KQuantErrorTest, ::testing::Values(DType::kQ4_K, DType::kQ5_K, DType::kQ6_K),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

}  // namespace
}  // namespace tessera

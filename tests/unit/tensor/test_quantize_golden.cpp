// Bit-exact agreement with the gguf Python package (fixtures from tests/golden/quant).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "quant_fixture.h"
#include "tensor/quantize.h"

namespace tessera {
namespace {

using testing::QuantFixture;

std::uint32_t float_bits(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Index of the first float whose bits differ, or -1; NaNs compare by payload too.
std::int64_t first_bit_difference(const std::vector<float>& actual, const std::vector<float>& expected) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (float_bits(actual[i]) != float_bits(expected[i])) return static_cast<std::int64_t>(i);
  }
  return -1;
}

std::int64_t first_byte_difference(const std::vector<std::byte>& actual,
                                   const std::vector<std::byte>& expected) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (actual[i] != expected[i]) return static_cast<std::int64_t>(i);
  }
  return -1;
}

const QuantFixture& quantize_fixture() {
  static const QuantFixture fixture = QuantFixture::load("quantize_reference.bin");
  return fixture;
}

const QuantFixture& dequantize_fixture() {
  static const QuantFixture fixture = QuantFixture::load("dequantize_reference.bin");
  return fixture;
}

// Quantizes `input` as `type`, compares with the gguf bytes, then decodes those bytes and compares
// with the gguf floats.
void expect_gguf_round_trip(DType type, const std::string& input_name, const std::string& prefix) {
  const auto& fixture = quantize_fixture();
  const std::vector<float> input = fixture.floats(input_name);
  const auto& expected_bytes = fixture.bytes(prefix + "/quantized");
  const std::vector<float> expected_floats = fixture.floats(prefix + "/dequantized");
  ASSERT_FALSE(input.empty());

  auto encoded = quantize(type, input);
  ASSERT_TRUE(encoded.ok()) << encoded.error().to_string();
  ASSERT_EQ(encoded->size(), expected_bytes.size());
  const std::int64_t byte_difference = first_byte_difference(*encoded, expected_bytes);
  EXPECT_EQ(byte_difference, -1) << dtype_name(type) << " byte " << byte_difference << " (block "
                                 << byte_difference / dtype_info(type).block_bytes << ") differs from gguf";

  auto decoded = dequantize(type, expected_bytes, static_cast<std::int64_t>(input.size()));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  ASSERT_EQ(decoded->size(), expected_floats.size());
  const std::int64_t float_difference = first_bit_difference(*decoded, expected_floats);
  EXPECT_EQ(float_difference, -1) << dtype_name(type) << " value " << float_difference
                                  << " differs from gguf";
}

class GgufQuantizeTest : public ::testing::TestWithParam<DType> {};

TEST_P(GgufQuantizeTest, BytesAndDecodedValuesMatchGguf) {
  const std::string name(dtype_name(GetParam()));
  expect_gguf_round_trip(GetParam(), "input", name);
}

INSTANTIATE_TEST_SUITE_P(Types, GgufQuantizeTest,
                         ::testing::Values(DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                                           DType::kQ4_1, DType::kQ5_0, DType::kQ5_1),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

// Infinities, NaNs with payloads, overflow to infinity, f32 and f16 subnormals.
TEST(GgufQuantize, HalfPrecisionSpecialValuesMatchNumpy) {
  expect_gguf_round_trip(DType::kF16, "specials/input", "F16/specials");
  expect_gguf_round_trip(DType::kBF16, "specials/input", "BF16/specials");
}

// Levels on the rounding ties of the 5-bit formats, and every level once (each fifth bit set and clear).
TEST(GgufQuantize, FiveBitTiesMatchGguf) {
  expect_gguf_round_trip(DType::kQ5_0, "q5_ties/input", "Q5_0/q5_ties");
  expect_gguf_round_trip(DType::kQ5_1, "q5_ties/input", "Q5_1/q5_ties");
}

class GgufDequantizeTest : public ::testing::TestWithParam<DType> {};

// Random encodings reach levels and scale codes a quantizer never writes.
TEST_P(GgufDequantizeTest, RandomEncodingsDecodeLikeGguf) {
  const DType type = GetParam();
  const std::string name(dtype_name(type));
  const auto& encoded = dequantize_fixture().bytes(name + "/encoded");
  const std::vector<float> expected = dequantize_fixture().floats(name + "/decoded");
  ASSERT_FALSE(expected.empty());
  auto decoded = dequantize(type, encoded, static_cast<std::int64_t>(expected.size()));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  const std::int64_t difference = first_bit_difference(*decoded, expected);
  EXPECT_EQ(difference, -1) << name << " value " << difference << " differs from gguf";
}

INSTANTIATE_TEST_SUITE_P(Types, GgufDequantizeTest,
                         ::testing::Values(DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                                           DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ4_K,
                                           DType::kQ5_K, DType::kQ6_K),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

// The decoder must not depend on the alignment of the encoded row (rows in files are byte offsets).
TEST(GgufDequantize, UnalignedSourceDecodesTheSame) {
  for (const DType type : {DType::kF16, DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ5_K, DType::kQ6_K}) {
    const std::string name(dtype_name(type));
    const auto& encoded = dequantize_fixture().bytes(name + "/encoded");
    const std::vector<float> expected = dequantize_fixture().floats(name + "/decoded");
    std::vector<std::byte> shifted(encoded.size() + 1);
    std::memcpy(shifted.data() + 1, encoded.data(), encoded.size());
    std::vector<float> decoded(expected.size());
    ASSERT_TRUE(
        dequantize_row(type, shifted.data() + 1, decoded.data(), static_cast<std::int64_t>(decoded.size())));
    EXPECT_EQ(first_bit_difference(decoded, expected), -1) << name;
  }
}

}  // namespace
}  // namespace tessera

// Properties of the quantizers that hold for any input: the dtype table, argument errors, round-trip
// error bounds, row independence and exact zeros.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tensor/quantize.h"
#include "tessera/block_formats.h"

namespace tessera {
namespace {

struct TypeFacts {
  DType type;
  std::int32_t gguf_id;
  const char* name;
  std::int64_t block_size;
  std::int64_t block_bytes;
};

// Block sizes and byte sizes from the GGUF specification (ggml's type traits).
constexpr TypeFacts kGgufTypes[] = {
    {DType::kF32, 0, "F32", 1, 4},        {DType::kF16, 1, "F16", 1, 2},
    {DType::kQ4_0, 2, "Q4_0", 32, 18},    {DType::kQ4_1, 3, "Q4_1", 32, 20},
    {DType::kQ5_0, 6, "Q5_0", 32, 22},    {DType::kQ5_1, 7, "Q5_1", 32, 24},
    {DType::kQ8_0, 8, "Q8_0", 32, 34},    {DType::kQ4_K, 12, "Q4_K", 256, 144},
    {DType::kQ5_K, 13, "Q5_K", 256, 176}, {DType::kQ6_K, 14, "Q6_K", 256, 210},
    {DType::kBF16, 30, "BF16", 1, 2},
};

constexpr DType kQuantizable[] = {DType::kF32,  DType::kF16,  DType::kBF16, DType::kQ8_0, DType::kQ4_0, DType::kQ4_1,
                                  DType::kQ5_0, DType::kQ5_1, DType::kQ4_K, DType::kQ5_K, DType::kQ6_K};

static_assert(sizeof(tessera_block_q4_0) == 18 && sizeof(tessera_block_q4_1) == 20 &&
              sizeof(tessera_block_q5_0) == 22 && sizeof(tessera_block_q5_1) == 24 &&
              sizeof(tessera_block_q8_0) == 34);
static_assert(sizeof(tessera_block_q4_k) == 144 && sizeof(tessera_block_q5_k) == 176 &&
              sizeof(tessera_block_q6_k) == 210);

TEST(DTypeTable, MatchesGgufTypeTraits) {
  for (const auto& facts : kGgufTypes) {
    SCOPED_TRACE(facts.name);
    EXPECT_EQ(static_cast<std::int32_t>(facts.type), facts.gguf_id);
    const auto info = dtype_info(facts.gguf_id);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->dtype, facts.type);
    EXPECT_EQ(info->name, facts.name);
    EXPECT_EQ(info->block_size, facts.block_size);
    EXPECT_EQ(info->block_bytes, facts.block_bytes);
    EXPECT_EQ(info->quantized, facts.block_size > 1);
    EXPECT_EQ(dtype_from_name(facts.name), facts.type);
    EXPECT_EQ(row_bytes(facts.type, 4 * facts.block_size), static_cast<std::uint64_t>(4 * facts.block_bytes));
    EXPECT_TRUE(can_quantize(facts.type));
    EXPECT_TRUE(can_dequantize(facts.type));
  }
  EXPECT_FALSE(dtype_info(std::int32_t{9}).has_value());  // Q8_1: a GGUF type Tessera does not handle
  EXPECT_FALSE(dtype_from_name("Q8_1").has_value());
  EXPECT_FALSE(row_bytes(DType::kQ4_K, 100).has_value());
}

TEST(QuantizeArguments, PartialBlocksAreRejected) {
  std::vector<float> values(300, 1.0f);
  std::vector<std::byte> bytes(4096);
  for (const DType type :
       {DType::kQ4_0, DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ8_0, DType::kQ4_K, DType::kQ5_K, DType::kQ6_K}) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    const std::int64_t n = dtype_info(type).block_size + 1;
    auto quantized = quantize_row(type, values.data(), bytes.data(), n);
    ASSERT_FALSE(quantized.ok());
    EXPECT_EQ(quantized.error().code(), ErrorCode::kInvalidArgument);
    auto dequantized = dequantize_row(type, bytes.data(), values.data(), n);
    ASSERT_FALSE(dequantized.ok());
    EXPECT_EQ(dequantized.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(dequantized.error().message().find(std::string(dtype_name(type))), std::string::npos);
    auto whole = quantize(type, std::span<const float>(values.data(), static_cast<std::size_t>(n)));
    EXPECT_FALSE(whole.ok());
  }
  auto negative = dequantize_row(DType::kF16, bytes.data(), values.data(), -2);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code(), ErrorCode::kInvalidArgument);
}

TEST(QuantizeArguments, EmptyRowsSucceed) {
  for (const DType type : kQuantizable) {
    EXPECT_TRUE(quantize_row(type, nullptr, nullptr, 0).ok());
    EXPECT_TRUE(dequantize_row(type, nullptr, nullptr, 0).ok());
  }
}

TEST(QuantizeArguments, UnsupportedTypesAreReported) {
  float value = 0;
  std::int32_t storage = 0;
  for (const DType type : {DType::kI8, DType::kI16, DType::kI32, DType::kI64, DType::kF64}) {
    EXPECT_FALSE(can_quantize(type));
    EXPECT_FALSE(can_dequantize(type));
    auto quantized = quantize_row(type, &value, &storage, 1);
    ASSERT_FALSE(quantized.ok());
    EXPECT_EQ(quantized.error().code(), ErrorCode::kUnsupported);
    auto dequantized = dequantize_row(type, &storage, &value, 1);
    ASSERT_FALSE(dequantized.ok());
    EXPECT_EQ(dequantized.error().code(), ErrorCode::kUnsupported);
  }
}

TEST(QuantizeArguments, ShortBufferIsRejected) {
  const std::vector<std::byte> bytes(143);  // one byte short of a Q4_K block
  auto decoded = dequantize(DType::kQ4_K, bytes, 256);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kOutOfRange);
  EXPECT_TRUE(dequantize(DType::kQ4_K, std::vector<std::byte>(144), 256).ok());
}

std::vector<float> normal_values(std::size_t count, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<float> distribution(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& value : values) value = distribution(generator);
  return values;
}

std::vector<float> round_trip(DType type, const std::vector<float>& values) {
  auto encoded = quantize(type, values);
  EXPECT_TRUE(encoded.ok());
  if (!encoded.ok()) return {};
  auto decoded = dequantize(type, *encoded, static_cast<std::int64_t>(values.size()));
  EXPECT_TRUE(decoded.ok());
  return decoded.ok() ? *decoded : std::vector<float>{};
}

double relative_rmse(const std::vector<float>& approximation, const std::vector<float>& reference) {
  double error = 0;
  double energy = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    error += (static_cast<double>(approximation[i]) - reference[i]) *
             (static_cast<double>(approximation[i]) - reference[i]);
    energy += static_cast<double>(reference[i]) * reference[i];
  }
  return std::sqrt(error / energy);
}

// Bounds on the error of N(0, 1) data relative to its RMS: each quantizer must be about as good as its
// bits allow (a uniform b-bit grid over a block's range gives roughly range / 2^b / sqrt(12)).
TEST(QuantizeRoundTrip, ErrorIsWithinTheFormatsPrecision) {
  struct Bound {
    DType type;
    double relative_rmse;
  };
  const Bound bounds[] = {
      {DType::kF32, 0.0},   {DType::kF16, 3e-4},  {DType::kBF16, 2.5e-3},
      {DType::kQ8_0, 8e-3}, {DType::kQ4_0, 0.13}, {DType::kQ4_1, 0.12},
      {DType::kQ5_0, 0.065}, {DType::kQ5_1, 0.06},
      {DType::kQ4_K, 0.10}, {DType::kQ5_K, 0.05}, {DType::kQ6_K, 0.025},
  };
  const std::vector<float> values = normal_values(16 * 256, 7);
  double previous_k_error = 1.0;
  for (const auto& bound : bounds) {
    SCOPED_TRACE(std::string(dtype_name(bound.type)));
    const std::vector<float> decoded = round_trip(bound.type, values);
    ASSERT_EQ(decoded.size(), values.size());
    const double error = relative_rmse(decoded, values);
    EXPECT_LE(error, bound.relative_rmse);
    if (bound.type == DType::kQ4_K || bound.type == DType::kQ5_K || bound.type == DType::kQ6_K) {
      EXPECT_LT(error, previous_k_error * 0.6);  // each extra bit should roughly halve the error
      previous_k_error = error;
    }
  }
}

// Q8_0 is a plain rounding to a grid of step d: no value may be further than half a step away
// (plus the f16 rounding of d, at most 2^-11 relative, applied to 127 steps).
TEST(QuantizeRoundTrip, Q8_0ErrorIsAtMostHalfAStep) {
  const std::vector<float> values = normal_values(64 * 32, 11);
  const std::vector<float> decoded = round_trip(DType::kQ8_0, values);
  ASSERT_EQ(decoded.size(), values.size());
  for (std::size_t block = 0; block < values.size() / 32; ++block) {
    float largest = 0;
    for (std::size_t i = 0; i < 32; ++i) largest = std::max(largest, std::fabs(values[block * 32 + i]));
    const float step = largest / 127.0f;
    for (std::size_t i = block * 32; i < block * 32 + 32; ++i) {
      EXPECT_LE(std::fabs(decoded[i] - values[i]), step * 0.5f + largest * 0x1p-11f) << "element " << i;
    }
  }
}

TEST(QuantizeRoundTrip, ZerosStayExactlyZero) {
  const std::vector<float> zeros(512, 0.0f);
  for (const DType type : kQuantizable) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    const std::vector<float> decoded = round_trip(type, zeros);
    ASSERT_EQ(decoded.size(), zeros.size());
    for (const float value : decoded) ASSERT_EQ(value, 0.0f);
  }
}

// Blocks that are constant, or zero but for one value, are represented (nearly) exactly by the
// K-quants: their search must not be thrown off by degenerate ranges.
TEST(QuantizeRoundTrip, DegenerateKQuantBlocksAreNearlyExact) {
  std::vector<float> values(3 * 256, 0.0f);
  std::fill(values.begin(), values.begin() + 256, -0.75f);
  std::fill(values.begin() + 256, values.begin() + 512, 2.5f);
  values[512 + 100] = 3.0f;
  for (const DType type : {DType::kQ4_K, DType::kQ5_K, DType::kQ6_K}) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    const std::vector<float> decoded = round_trip(type, values);
    ASSERT_EQ(decoded.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      ASSERT_NEAR(decoded[i], values[i], std::fabs(values[i]) * 2e-3f) << "element " << i;
    }
  }
}

// Blocks never see their neighbours: a tensor quantized as one row equals its rows quantized apart.
TEST(QuantizeRoundTrip, RowsAreIndependent) {
  const std::vector<float> values = normal_values(2 * 512, 23);
  for (const DType type : kQuantizable) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    const std::uint64_t half_bytes = *row_bytes(type, 512);
    std::vector<std::byte> whole(2 * half_bytes);
    std::vector<std::byte> split(2 * half_bytes);
    ASSERT_TRUE(quantize_row(type, values.data(), whole.data(), 1024));
    ASSERT_TRUE(quantize_row(type, values.data(), split.data(), 512));
    ASSERT_TRUE(quantize_row(type, values.data() + 512, split.data() + half_bytes, 512));
    EXPECT_EQ(std::memcmp(whole.data(), split.data(), whole.size()), 0);
  }
}

// Scaling a whole K-quant block by a power of two scales its encoding exactly (while d stays a
// normal f16): the search depends only on the shape of the data, not on its magnitude.
TEST(QuantizeRoundTrip, KQuantsCommuteWithPowerOfTwoScaling) {
  const std::vector<float> values = normal_values(4 * 256, 31);
  std::vector<float> scaled(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) scaled[i] = values[i] * 8.0f;
  for (const DType type : {DType::kQ4_K, DType::kQ5_K, DType::kQ6_K}) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    const std::vector<float> decoded = round_trip(type, values);
    const std::vector<float> decoded_scaled = round_trip(type, scaled);
    ASSERT_EQ(decoded.size(), values.size());
    ASSERT_EQ(decoded_scaled.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) ASSERT_EQ(decoded_scaled[i], decoded[i] * 8.0f) << i;
  }
}

// Out-of-range input must not break the encoders (no undefined float-to-int conversion, no crash),
// and finite input far beyond the f16 range still decodes to finite values.
TEST(QuantizeRoundTrip, ExtremeInputIsEncodedSafely) {
  const float infinity = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> hostile(512, 1.0f);
  hostile[3] = nan;
  hostile[40] = infinity;
  hostile[41] = -infinity;
  hostile[300] = nan;
  hostile[301] = infinity;
  for (const DType type : kQuantizable) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    EXPECT_EQ(round_trip(type, hostile).size(), hostile.size());
  }
  std::vector<float> huge = normal_values(512, 41);
  for (float& value : huge) value *= 1e8f;
  for (const DType type : {DType::kQ4_K, DType::kQ5_K, DType::kQ6_K}) {
    SCOPED_TRACE(std::string(dtype_name(type)));
    const std::vector<float> decoded = round_trip(type, huge);
    ASSERT_EQ(decoded.size(), huge.size());
    for (const float value : decoded) ASSERT_TRUE(std::isfinite(value));
  }
}

}  // namespace
}  // namespace tessera

// Malformed input: a valid file from the writer with one field patched. Every case must give an
// Error naming the problem, without a crash and without allocating from the bad number.
#include <limits>

#include <gtest/gtest.h>

#include "gguf_test_support.h"

namespace tessera::gguf {
namespace {

using testing::offset_after_string;
using testing::patch;

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
// No case may ask for more than this in one allocation (the files are a few KB).
constexpr std::size_t kAllocationLimit = std::size_t{16} << 20;

// Parses and expects an error whose message contains `fragment`.
void expect_error(const std::vector<std::uint8_t>& bytes, std::string_view fragment,
                  ErrorCode code = ErrorCode::kInvalidFormat) {
  testing::reset_largest_allocation();
  auto file = testing::parse(bytes);
  EXPECT_LE(testing::largest_allocation(), kAllocationLimit);
  ASSERT_FALSE(file.ok()) << "parsed a malformed file; expected an error mentioning '" << fragment << "'";
  EXPECT_NE(file.error().message().find(fragment), std::string::npos) << file.error().to_string();
  EXPECT_EQ(file.error().code(), code) << file.error().to_string();
  EXPECT_NE(file.error().message().find("test.gguf"), std::string::npos) << "error names the file";
}

class Malformed : public ::testing::Test {
 protected:
  void SetUp() override {
    bytes = testing::sample_file();
    ASSERT_TRUE(testing::parse(bytes).ok());
  }
  // Where a key's value starts (after its u32 type).
  std::size_t value_of(std::string_view key) { return offset_after_string(bytes, key) + 4; }
  std::size_t type_of(std::string_view key) { return offset_after_string(bytes, key); }
  // Tensor info fields after the name: n_dims u32, dims u64 x n, type u32, offset u64.
  std::size_t n_dims_of(std::string_view name) { return offset_after_string(bytes, name); }
  std::size_t dim_of(std::string_view name, int index) { return n_dims_of(name) + 4 + 8 * index; }
  std::size_t dtype_of(std::string_view name, int n_dims) { return dim_of(name, n_dims); }
  std::size_t offset_of(std::string_view name, int n_dims) { return dtype_of(name, n_dims) + 4; }

  std::vector<std::uint8_t> bytes;
};

TEST_F(Malformed, EmptyAndTinyInputs) {
  expect_error({}, "magic");
  expect_error({'G', 'G', 'U'}, "magic");
  expect_error({'G', 'G', 'U', 'F'}, "version");
  bytes.resize(20);
  expect_error(bytes, "metadata_kv_count");
}

TEST_F(Malformed, BadMagicAndVersions) {
  patch<std::uint8_t>(bytes, 0, 'X');
  expect_error(bytes, "bad magic");
  bytes = testing::sample_file();
  for (std::uint32_t version : {0u, 1u, 4u, 0x03000000u, 0xFFFFFFFFu}) {
    patch(bytes, 4, version);
    expect_error(bytes, "version", ErrorCode::kUnsupported);
  }
}

TEST_F(Malformed, TensorCountsNearTwoToTheSixtyFour) {
  for (std::uint64_t count : {kMax64, kMax64 - 1, std::uint64_t{1} << 63, std::uint64_t{1} << 32, std::uint64_t{100000}}) {
    patch(bytes, 8, count);
    expect_error(bytes, "tensor_count");
  }
}

TEST_F(Malformed, MetadataCountsNearTwoToTheSixtyFour) {
  for (std::uint64_t count : {kMax64, kMax64 - 1, std::uint64_t{1} << 63, std::uint64_t{1} << 32, std::uint64_t{100000}}) {
    patch(bytes, 16, count);
    expect_error(bytes, "metadata_kv_count");
  }
}

TEST_F(Malformed, CountsOneMoreThanPresent) {
  patch(bytes, 16, testing::peek<std::uint64_t>(bytes, 16) + 1);
  EXPECT_FALSE(testing::parse(bytes).ok()) << "a tensor name read as a key must not line up into a valid file";
  bytes = testing::sample_file();
  patch(bytes, 8, std::uint64_t{5});
  EXPECT_FALSE(testing::parse(bytes).ok());
}

TEST_F(Malformed, StringLengthsPastTheFile) {
  const std::size_t key_length = offset_after_string(bytes, "general.architecture") - 8 - 20;
  for (std::uint64_t length : {std::uint64_t{bytes.size()}, std::uint64_t{1} << 63, kMax64, kMax64 - 7}) {
    bytes = testing::sample_file();
    patch(bytes, key_length, length);
    expect_error(bytes, "metadata key #0");
  }
  const std::size_t value_length = value_of("test.string");
  for (std::uint64_t length : {std::uint64_t{bytes.size()}, std::uint64_t{1} << 63, kMax64}) {
    bytes = testing::sample_file();
    patch(bytes, value_length, length);
    expect_error(bytes, "past end of file");
  }
}

TEST_F(Malformed, TensorNameLengthPastTheFile) {
  const std::size_t name_length = n_dims_of("output_norm.weight") - 8 - 18;
  for (std::uint64_t length : {std::uint64_t{bytes.size()}, std::uint64_t{1} << 63, kMax64}) {
    patch(bytes, name_length, length);
    expect_error(bytes, "tensor #2 name");
  }
}

TEST_F(Malformed, ArrayCountsPastTheFile) {
  const std::size_t count = value_of("test.array") + 4;
  for (std::uint64_t value : {std::uint64_t{bytes.size()}, std::uint64_t{1} << 61, std::uint64_t{1} << 63, kMax64,
                              kMax64 / 4 + 1}) {
    patch(bytes, count, value);
    expect_error(bytes, "runs past end of file");
  }
  // A string array whose count fits but whose strings do not.
  bytes = testing::sample_file();
  patch(bytes, value_of("tokenizer.ggml.tokens") + 4, std::uint64_t{1000});
  expect_error(bytes, "tokenizer.ggml.tokens");
}

TEST_F(Malformed, StringInsideAnArrayPastTheFile) {
  const std::size_t first_token = value_of("tokenizer.ggml.tokens") + 12;
  patch(bytes, first_token, std::uint64_t{1} << 62);
  expect_error(bytes, "past end of file");
}

TEST_F(Malformed, UnknownValueTypes) {
  for (std::uint32_t type : {13u, 100u, 0xFFFFFFFFu}) {
    bytes = testing::sample_file();
    patch(bytes, type_of("test.bool"), type);
    expect_error(bytes, "unknown value type");
    bytes = testing::sample_file();
    patch(bytes, value_of("test.array"), type);
    expect_error(bytes, "unknown array element type");
    bytes = testing::sample_file();
    patch(bytes, value_of("test.nested") + 12, type);  // the first inner array's element type
    expect_error(bytes, "unknown array element type");
  }
}

TEST_F(Malformed, BoolBytesOtherThanZeroOrOne) {
  for (std::uint8_t value : {2, 255}) {
    bytes = testing::sample_file();
    patch(bytes, value_of("test.bool"), value);
    expect_error(bytes, "bool byte");
    bytes = testing::sample_file();
    patch(bytes, value_of("test.bools") + 12 + 1, value);
    expect_error(bytes, "bool byte");
  }
}

TEST_F(Malformed, DuplicateKeysAndTensorNames) {
  const std::size_t second_key = offset_after_string(bytes, "dup.key_two") - 3;
  std::memcpy(bytes.data() + second_key, "one", 3);
  expect_error(bytes, "duplicate key");
  bytes = testing::sample_file();
  // Two names of the same length: give the Q8_0 tensor the name of the F16 one.
  const std::size_t q8_name = n_dims_of("blk.0.ffn_q8.weight") - 19;
  const std::size_t q_name = n_dims_of("blk.0.attn_q.weight") - 19;
  std::memcpy(bytes.data() + q8_name, bytes.data() + q_name, 19);
  expect_error(bytes, "duplicate tensor name");
}

// A file of one key holding `depth` arrays nested inside each other.
std::vector<std::uint8_t> nested_file(int depth) {
  std::vector<std::uint8_t> bytes(24);
  patch(bytes, 0, kMagic);
  patch(bytes, 4, std::uint32_t{3});
  patch(bytes, 8, std::uint64_t{0});
  patch(bytes, 16, std::uint64_t{1});
  auto append = [&bytes](auto value) {
    bytes.resize(bytes.size() + sizeof(value));
    std::memcpy(bytes.data() + bytes.size() - sizeof(value), &value, sizeof(value));
  };
  append(std::uint64_t{4});
  bytes.insert(bytes.end(), {'d', 'e', 'e', 'p'});
  append(static_cast<std::uint32_t>(ValueType::kArray));
  for (int level = 1; level < depth; ++level) {
    append(static_cast<std::uint32_t>(ValueType::kArray));
    append(std::uint64_t{1});
  }
  append(static_cast<std::uint32_t>(ValueType::kUint8));
  append(std::uint64_t{1});
  append(std::uint8_t{42});
  return bytes;
}

TEST_F(Malformed, NestedArraysTooDeep) {
  auto allowed = testing::parse(nested_file(kMaxArrayDepth));
  ASSERT_TRUE(allowed.ok()) << allowed.error().to_string();
  const Value* value = allowed->find("deep");
  for (int level = 0; level < kMaxArrayDepth; ++level) {
    ASSERT_EQ(value->type, ValueType::kArray);
    ASSERT_EQ(value->elements.size(), 1u);
    value = &value->elements[0];
  }
  EXPECT_EQ(value->unsigned_value, 42u);
  expect_error(nested_file(kMaxArrayDepth + 1), "nested deeper");
  expect_error(nested_file(100000), "nested deeper");
}

TEST_F(Malformed, DimensionCounts) {
  for (std::uint32_t n_dims : {0u, 5u, 64u, 0xFFFFFFFFu}) {
    bytes = testing::sample_file();
    patch(bytes, n_dims_of("token_embd.weight"), n_dims);
    expect_error(bytes, "n_dims");
  }
}

TEST_F(Malformed, ElementCountOverflow) {
  // token_embd.weight is F32 [8, 8]: GGUF stores the innermost dimension first.
  patch(bytes, dim_of("token_embd.weight", 0), std::uint64_t{1} << 32);
  patch(bytes, dim_of("token_embd.weight", 1), std::uint64_t{1} << 32);
  expect_error(bytes, "element count overflows");
  bytes = testing::sample_file();
  patch(bytes, dim_of("token_embd.weight", 1), kMax64);
  expect_error(bytes, "does not fit in int64");
  bytes = testing::sample_file();
  patch(bytes, dim_of("token_embd.weight", 0), std::uint64_t{0});
  patch(bytes, dim_of("token_embd.weight", 1), std::uint64_t{1} << 63);
  expect_error(bytes, "does not fit in int64");
  // A zero extent does not excuse the others from overflowing.
  Writer writer;
  ASSERT_TRUE(writer.add_tensor("cube", DType::kF32, {1, 1, 0}, {}).ok());
  bytes = writer.to_bytes();
  patch(bytes, dim_of("cube", 1), std::uint64_t{1} << 40);
  patch(bytes, dim_of("cube", 2), std::uint64_t{1} << 40);
  expect_error(bytes, "element count overflows");
  patch(bytes, dim_of("cube", 2), std::uint64_t{1});
  auto empty = testing::parse(bytes);
  ASSERT_TRUE(empty.ok()) << empty.error().to_string();
  EXPECT_EQ(empty->tensors()[0].element_count(), 0);
  EXPECT_EQ(empty->tensors()[0].size_bytes, 0u);
}

TEST_F(Malformed, ByteSizeOverflow) {
  // 2^62 F32 elements fit in int64, their 2^64 bytes do not.
  patch(bytes, dim_of("token_embd.weight", 0), std::uint64_t{1} << 31);
  patch(bytes, dim_of("token_embd.weight", 1), std::uint64_t{1} << 31);
  expect_error(bytes, "byte size overflows");
  // Large but representable: runs past the end of the file.
  bytes = testing::sample_file();
  patch(bytes, dim_of("token_embd.weight", 1), std::uint64_t{1} << 40);
  expect_error(bytes, "runs past end of file");
}

TEST_F(Malformed, PartialQuantizationBlock) {
  patch(bytes, dim_of("blk.0.ffn_q8.weight", 0), std::uint64_t{33});
  expect_error(bytes, "whole number of Q8_0 blocks");
}

TEST_F(Malformed, UnknownAndUnsupportedTensorTypes) {
  for (std::uint32_t type : {99u, 0xFFFFFFFFu, 4u, 10u}) {  // 4: removed Q4_2; 10: Q2_K, not handled
    bytes = testing::sample_file();
    patch(bytes, dtype_of("output_norm.weight", 1), type);
    expect_error(bytes, "tensor type", ErrorCode::kUnsupported);
  }
}

TEST_F(Malformed, Alignment) {
  const std::size_t alignment = value_of("general.alignment");
  for (std::uint32_t value : {0u, 3u, 48u, 0xFFFFFFFFu}) {
    patch(bytes, alignment, value);
    expect_error(bytes, "general.alignment");
  }
  bytes = testing::sample_file();
  patch(bytes, type_of("general.alignment"), static_cast<std::uint32_t>(ValueType::kInt32));
  expect_error(bytes, "u32");
  bytes = testing::sample_file();
  patch(bytes, type_of("general.alignment"), static_cast<std::uint32_t>(ValueType::kFloat32));
  expect_error(bytes, "u32");
  // A power of two larger than the file pushes the data section past its end.
  bytes = testing::sample_file();
  patch(bytes, alignment, std::uint32_t{1} << 31);
  expect_error(bytes, "tensor data section starts past end of file");
}

TEST_F(Malformed, TensorOffsets) {
  const std::size_t offset = offset_of("output_norm.weight", 1);
  const std::uint64_t original = testing::peek<std::uint64_t>(bytes, offset);
  for (std::uint64_t value : {std::uint64_t{bytes.size()} / 32 * 32, kMax64 - 31, std::uint64_t{1} << 63}) {
    patch(bytes, offset, value);
    expect_error(bytes, "runs past end of file");
  }
  patch(bytes, offset, original + 1);
  expect_error(bytes, "not a multiple of alignment");
  // Both F32 tensors at the start of the data section.
  patch(bytes, offset, std::uint64_t{0});
  expect_error(bytes, "overlap");
  // Starting inside the previous tensor, at an aligned offset.
  bytes = testing::sample_file();
  patch(bytes, offset_of("blk.0.attn_q.weight", 2), std::uint64_t{64});
  expect_error(bytes, "overlap");
}

TEST_F(Malformed, OverlapHiddenBehindAnEmptyTensor) {
  Writer writer;
  ASSERT_TRUE(writer.add_tensor("big", DType::kF32, {64}, testing::pattern_bytes(0, 256)).ok());
  ASSERT_TRUE(writer.add_tensor("empty", DType::kF32, {0}, {}).ok());
  ASSERT_TRUE(writer.add_tensor("small", DType::kF32, {8}, testing::pattern_bytes(1, 32)).ok());
  bytes = writer.to_bytes();
  ASSERT_TRUE(testing::parse(bytes).ok());
  patch(bytes, offset_of("empty", 1), std::uint64_t{32});
  patch(bytes, offset_of("small", 1), std::uint64_t{64});
  expect_error(bytes, "overlap");
}

TEST_F(Malformed, DecodedMetadataIsBudgeted) {
  // 12 M one-byte elements fit in the file, but not in the decoded-metadata budget.
  std::vector<std::uint8_t> big = nested_file(1);
  const std::size_t count_at = big.size() - 9;
  const std::uint64_t count = std::uint64_t{12} << 20;
  patch(big, count_at, count);
  big.resize(count_at + 8 + count, 1);
  expect_error(big, "limit", ErrorCode::kOutOfMemory);
}

}  // namespace
}  // namespace tessera::gguf

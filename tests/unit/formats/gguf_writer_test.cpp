// Reader(Writer(x)) == x for every metadata type, nested arrays, both versions and several
// alignments; the writer refuses what the format cannot hold.
#include <cmath>
#include <cstdio>
#include <limits>

#include <gtest/gtest.h>

#include "gguf_test_support.h"

namespace tessera::gguf {
namespace {

using testing::parse;
using testing::pattern_bytes;

Value u(ValueType type, std::uint64_t value) { return Value::from_uint(type, value); }
Value i(ValueType type, std::int64_t value) { return Value::from_int(type, value); }
Value f(ValueType type, double value) { return Value::from_float(type, value); }

// One key per scalar type at its extremes, one array per element type, and nested arrays.
std::vector<KeyValue> every_type() {
  std::vector<KeyValue> entries = {
      {"u8.max", u(ValueType::kUint8, 255)},
      {"u8.zero", u(ValueType::kUint8, 0)},
      {"i8.min", i(ValueType::kInt8, -128)},
      {"i8.max", i(ValueType::kInt8, 127)},
      {"u16.max", u(ValueType::kUint16, 65535)},
      {"i16.min", i(ValueType::kInt16, -32768)},
      {"u32.max", u(ValueType::kUint32, std::numeric_limits<std::uint32_t>::max())},
      {"i32.min", i(ValueType::kInt32, std::numeric_limits<std::int32_t>::min())},
      {"u64.max", u(ValueType::kUint64, std::numeric_limits<std::uint64_t>::max())},
      {"i64.min", i(ValueType::kInt64, std::numeric_limits<std::int64_t>::min())},
      {"i64.max", i(ValueType::kInt64, std::numeric_limits<std::int64_t>::max())},
      {"f32.value", f(ValueType::kFloat32, 0.1)},
      {"f32.negative_zero", f(ValueType::kFloat32, -0.0)},
      {"f32.infinity", f(ValueType::kFloat32, std::numeric_limits<double>::infinity())},
      {"f32.nan", f(ValueType::kFloat32, std::numeric_limits<double>::quiet_NaN())},
      {"f32.denormal", f(ValueType::kFloat32, std::numeric_limits<float>::denorm_min())},
      {"f64.value", f(ValueType::kFloat64, 0.1)},
      {"f64.lowest", f(ValueType::kFloat64, std::numeric_limits<double>::lowest())},
      {"f64.nan", f(ValueType::kFloat64, std::numeric_limits<double>::quiet_NaN())},
      {"bool.true", Value::from_bool(true)},
      {"bool.false", Value::from_bool(false)},
      {"string.plain", Value::from_string("hello")},
      {"string.empty", Value::from_string("")},
      {"string.utf8", Value::from_string("h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80")},
      {"string.binary", Value::from_string(std::string("a\0b\xFF", 4))},
      {"string.long", Value::from_string(std::string(5000, 'x'))},
      {"", Value::from_string("an empty key is legal")},
  };
  entries.push_back({"array.u8", Value::from_array(ValueType::kUint8, {u(ValueType::kUint8, 0), u(ValueType::kUint8, 255)})});
  entries.push_back({"array.i8", Value::from_array(ValueType::kInt8, {i(ValueType::kInt8, -1), i(ValueType::kInt8, 1)})});
  entries.push_back({"array.u16", Value::from_array(ValueType::kUint16, {u(ValueType::kUint16, 65535)})});
  entries.push_back({"array.i16", Value::from_array(ValueType::kInt16, {i(ValueType::kInt16, -32768)})});
  entries.push_back({"array.u32", Value::from_array(ValueType::kUint32, {u(ValueType::kUint32, 1), u(ValueType::kUint32, 2)})});
  entries.push_back({"array.i32", Value::from_array(ValueType::kInt32, {i(ValueType::kInt32, -7)})});
  entries.push_back({"array.u64", Value::from_array(ValueType::kUint64, {u(ValueType::kUint64, ~std::uint64_t{0})})});
  entries.push_back({"array.i64", Value::from_array(ValueType::kInt64, {i(ValueType::kInt64, -1)})});
  entries.push_back({"array.f32", Value::from_array(ValueType::kFloat32, {f(ValueType::kFloat32, 1.5), f(ValueType::kFloat32, -0.25)})});
  entries.push_back({"array.f64", Value::from_array(ValueType::kFloat64, {f(ValueType::kFloat64, 1e300)})});
  entries.push_back({"array.bool", Value::from_array(ValueType::kBool, {Value::from_bool(true), Value::from_bool(false)})});
  entries.push_back({"array.string", Value::from_array(ValueType::kString, {Value::from_string(""), Value::from_string("\xE2\x96\x81the")})});
  entries.push_back({"array.empty", Value::from_array(ValueType::kFloat32, {})});
  entries.push_back({"array.empty_of_arrays", Value::from_array(ValueType::kArray, {})});
  Value inner_strings = Value::from_array(ValueType::kString, {Value::from_string("x"), Value::from_string("yz")});
  Value inner_u64 = Value::from_array(ValueType::kUint64, {u(ValueType::kUint64, 3)});
  entries.push_back({"nested.two_levels", Value::from_array(ValueType::kArray, {inner_strings, inner_strings})});
  entries.push_back({"nested.mixed_inner_types", Value::from_array(ValueType::kArray, {inner_strings, inner_u64})});
  Value deepest = Value::from_array(ValueType::kBool, {Value::from_bool(true)});
  for (int level = 1; level < kMaxArrayDepth; ++level) deepest = Value::from_array(ValueType::kArray, {deepest});
  entries.push_back({"nested.deepest_allowed", deepest});
  return entries;
}

Writer writer_with(const std::vector<KeyValue>& entries, std::uint32_t version) {
  Writer writer(version);
  for (const KeyValue& entry : entries) EXPECT_TRUE(writer.set(entry.key, entry.value).ok()) << entry.key;
  return writer;
}

class RoundTrip : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(RoundTrip, EveryMetadataTypeReadsBackEqual) {
  const auto entries = every_type();
  const std::vector<std::uint8_t> bytes = writer_with(entries, GetParam()).to_bytes();
  auto file = parse(bytes);
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->version(), GetParam());
  ASSERT_EQ(file->metadata().size(), entries.size());
  for (std::size_t index = 0; index < entries.size(); ++index) {
    EXPECT_EQ(file->metadata()[index].key, entries[index].key);
    EXPECT_TRUE(file->metadata()[index].value == entries[index].value)
        << entries[index].key << ": " << file->metadata()[index].value.to_display_string();
  }
  EXPECT_TRUE(file->tensors().empty());
  const Value* nan = file->find("f32.nan");
  ASSERT_NE(nan, nullptr);
  EXPECT_TRUE(std::isnan(nan->float_value));
  EXPECT_TRUE(std::signbit(file->find("f32.negative_zero")->float_value));
  EXPECT_EQ(file->find("u64.max")->unsigned_value, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(file->find("string.binary")->string_value, std::string("a\0b\xFF", 4));
}

INSTANTIATE_TEST_SUITE_P(Versions, RoundTrip, ::testing::Values(2u, 3u));

TEST(GgufValue, Float32IsRoundedToFloatOnConstruction) {
  EXPECT_EQ(Value::from_float(ValueType::kFloat32, 0.1).float_value, static_cast<double>(0.1f));
  EXPECT_EQ(Value::from_float(ValueType::kFloat64, 0.1).float_value, 0.1);
  EXPECT_FALSE(Value::from_float(ValueType::kFloat32, 1.0) == Value::from_float(ValueType::kFloat64, 1.0));
  EXPECT_FALSE(Value::from_array(ValueType::kInt32, {}) == Value::from_array(ValueType::kUint32, {}));
}

struct TensorCase {
  std::string name;
  DType dtype;
  std::vector<std::int64_t> shape;
  std::size_t bytes;
};

class TensorRoundTrip : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(TensorRoundTrip, TensorsLandAlignedWithTheirBytes) {
  const std::uint32_t alignment = GetParam();
  const std::vector<TensorCase> cases = {
      {"f32.matrix", DType::kF32, {3, 5}, 60},     {"f16.vector", DType::kF16, {7}, 14},
      {"bf16.cube", DType::kBF16, {2, 2, 3}, 24},  {"f64.four_d", DType::kF64, {1, 2, 1, 2}, 32},
      {"i8", DType::kI8, {9}, 9},                  {"i16", DType::kI16, {3}, 6},
      {"i32", DType::kI32, {2, 2}, 16},            {"i64", DType::kI64, {1}, 8},
      {"q4_0", DType::kQ4_0, {2, 64}, 2 * 2 * 18}, {"q4_1", DType::kQ4_1, {32}, 20},
      {"q8_0", DType::kQ8_0, {1, 32}, 34},         {"q4_k", DType::kQ4_K, {256}, 144},
      {"q5_k", DType::kQ5_K, {2, 256}, 2 * 176},   {"q6_k", DType::kQ6_K, {256}, 210},
      {"empty", DType::kF32, {0, 4}, 0},           {"after_empty", DType::kF32, {1}, 4},
  };
  Writer writer;
  ASSERT_TRUE(writer.set_uint32("general.alignment", alignment).ok());
  EXPECT_EQ(writer.alignment(), alignment);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const auto& tensor = cases[index];
    ASSERT_TRUE(writer.add_tensor(tensor.name, tensor.dtype, tensor.shape, pattern_bytes(static_cast<int>(index), tensor.bytes)).ok())
        << tensor.name;
  }
  const std::vector<std::uint8_t> bytes = writer.to_bytes();
  auto file = parse(bytes);
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->alignment(), alignment);
  EXPECT_EQ(file->data_offset() % alignment, 0u);
  EXPECT_EQ(bytes.size() % alignment, 0u);
  ASSERT_EQ(file->tensors().size(), cases.size());
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const TensorInfo& tensor = file->tensors()[index];
    EXPECT_EQ(tensor.name, cases[index].name);
    EXPECT_EQ(tensor.dtype, cases[index].dtype);
    EXPECT_EQ(tensor.shape, cases[index].shape);
    EXPECT_EQ(tensor.size_bytes, cases[index].bytes);
    EXPECT_EQ(tensor.offset % alignment, 0u);
    const auto expected = pattern_bytes(static_cast<int>(index), cases[index].bytes);
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), tensor.data)) << tensor.name;
    EXPECT_EQ(file->find_tensor(cases[index].name), &tensor);
  }
}

INSTANTIATE_TEST_SUITE_P(Alignments, TensorRoundTrip, ::testing::Values(1u, 8u, 32u, 64u, 4096u));

TEST(GgufWriter, WritesToDiskAndReopensMapped) {
  const Writer writer = testing::sample_writer();
  const std::string path = ::testing::TempDir() + "gguf_writer_test.gguf";
  ASSERT_TRUE(writer.write(path).ok());
  auto file = File::open(path);
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  std::remove(path.c_str());  // the map stays valid after the name is gone
  EXPECT_EQ(file->file_size(), writer.to_bytes().size());
  EXPECT_EQ(file->get_string("general.architecture").value(), "llama");
  EXPECT_EQ(file->get_int("llama.embedding_length").value(), 8);
  const TensorInfo* embedding = file->find_tensor("token_embd.weight");
  ASSERT_NE(embedding, nullptr);
  const auto expected = pattern_bytes(1, 256);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), embedding->data));
}

TEST(GgufWriter, WriteToAnImpossiblePathIsAnError) {
  auto result = testing::sample_writer().write("/nonexistent-directory/x.gguf");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kIo);
}

TEST(GgufWriter, SetReplacesAnExistingKeyInPlace) {
  Writer writer;
  ASSERT_TRUE(writer.set_uint32("a", 1).ok());
  ASSERT_TRUE(writer.set_uint32("b", 2).ok());
  ASSERT_TRUE(writer.set_string("a", "replaced").ok());
  ASSERT_EQ(writer.metadata().size(), 2u);
  EXPECT_EQ(writer.metadata()[0].key, "a");
  EXPECT_EQ(writer.metadata()[0].value.string_value, "replaced");
  auto file = parse(writer.to_bytes());
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->get_string("a").value(), "replaced");
}

TEST(GgufWriter, RefusesValuesTheFormatCannotHold) {
  Writer writer;
  EXPECT_FALSE(writer.set("x", u(ValueType::kUint8, 256)).ok());
  EXPECT_FALSE(writer.set("x", u(ValueType::kUint32, std::uint64_t{1} << 32)).ok());
  EXPECT_FALSE(writer.set("x", i(ValueType::kInt8, 128)).ok());
  EXPECT_FALSE(writer.set("x", i(ValueType::kInt16, -32769)).ok());
  EXPECT_FALSE(writer.set("x", i(ValueType::kUint32, 5)).ok()) << "signed payload in an unsigned type";
  EXPECT_FALSE(writer.set("x", u(ValueType::kInt32, 5)).ok()) << "unsigned payload in a signed type";
  EXPECT_FALSE(writer.set("x", Value::from_array(ValueType::kInt32, {u(ValueType::kUint32, 1)})).ok());
  Value too_deep = Value::from_array(ValueType::kBool, {});
  for (int level = 0; level < kMaxArrayDepth; ++level) too_deep = Value::from_array(ValueType::kArray, {too_deep});
  EXPECT_FALSE(writer.set("x", too_deep).ok());
  Value unknown;
  unknown.type = static_cast<ValueType>(13);
  EXPECT_FALSE(writer.set("x", unknown).ok());
  EXPECT_FALSE(writer.set("x", Value::from_array(ValueType::kArray, {unknown})).ok());
  EXPECT_FALSE(writer.set_uint32("general.alignment", 0).ok());
  EXPECT_FALSE(writer.set_uint32("general.alignment", 48).ok());
  EXPECT_FALSE(writer.set("general.alignment", u(ValueType::kUint64, 32)).ok());
  EXPECT_TRUE(writer.metadata().empty());
  EXPECT_EQ(writer.alignment(), kDefaultAlignment);
  EXPECT_THROW(Writer(1), Exception);
  EXPECT_THROW(Writer(4), Exception);
}

TEST(GgufWriter, RefusesMalformedTensors) {
  Writer writer;
  const auto four = pattern_bytes(0, 4);
  EXPECT_FALSE(writer.add_tensor("", DType::kF32, {1}, four).ok());
  EXPECT_FALSE(writer.add_tensor("t", DType::kF32, {}, four).ok());
  EXPECT_FALSE(writer.add_tensor("t", DType::kF32, {1, 1, 1, 1, 1}, four).ok());
  EXPECT_FALSE(writer.add_tensor("t", DType::kF32, {-1, 1}, four).ok());
  EXPECT_FALSE(writer.add_tensor("t", DType::kF32, {2}, four).ok()) << "data shorter than the shape";
  EXPECT_FALSE(writer.add_tensor("t", DType::kQ8_0, {16}, pattern_bytes(0, 17)).ok()) << "partial block";
  EXPECT_FALSE(writer.add_tensor("t", DType::kF32, {std::int64_t{1} << 62, std::int64_t{1} << 62, 1}, four).ok());
  ASSERT_TRUE(writer.add_tensor("t", DType::kF32, {1}, four).ok());
  EXPECT_FALSE(writer.add_tensor("t", DType::kF32, {1}, four).ok()) << "duplicate name";
}

TEST(GgufWriter, MatchesTheReferenceLayout) {
  // Header, then data padded after every tensor, the way gguf-py lays a file out.
  Writer writer;
  ASSERT_TRUE(writer.add_tensor("a", DType::kF32, {3}, pattern_bytes(0, 12)).ok());
  ASSERT_TRUE(writer.add_tensor("b", DType::kI8, {1}, pattern_bytes(1, 1)).ok());
  const auto bytes = writer.to_bytes();
  auto file = parse(bytes);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->tensors()[0].offset, 0u);
  EXPECT_EQ(file->tensors()[1].offset, 32u);
  EXPECT_EQ(bytes.size(), file->data_offset() + 64);
  EXPECT_EQ(testing::peek<std::uint32_t>(bytes, 0), kMagic);
  EXPECT_EQ(testing::peek<std::uint32_t>(bytes, 4), 3u);
  EXPECT_EQ(testing::peek<std::uint64_t>(bytes, 8), 2u);
  EXPECT_EQ(testing::peek<std::uint64_t>(bytes, 16), 0u);
}

}  // namespace
}  // namespace tessera::gguf

// The reader against files written by the reference Python writer (tests/golden/formats, made by
// generate_gguf_fixtures.py), and the writer against the same layout: every key, value and tensor
// is compared with fixtures.json, and rewriting a file with gguf::Writer reproduces its bytes.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gguf_test_support.h"

namespace tessera::gguf {
namespace {

using nlohmann::json;

const std::string kFixtureDir = std::string(TESSERA_SOURCE_DIR) + "/tests/golden/formats/";

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

json load_description() {
  std::ifstream stream(kFixtureDir + "fixtures.json");
  return json::parse(stream);
}

ValueType type_from_name(const std::string& name) {
  for (std::uint32_t id = 0; id <= static_cast<std::uint32_t>(ValueType::kFloat64); ++id) {
    if (value_type_name(static_cast<ValueType>(id)) == name) return static_cast<ValueType>(id);
  }
  throw std::runtime_error("unknown type name " + name);
}

// The Value a description entry stands for.
Value value_from_json(ValueType type, const json& node) {
  switch (type) {
    case ValueType::kBool: return Value::from_bool(node.get<bool>());
    case ValueType::kString: return Value::from_string(node.get<std::string>());
    case ValueType::kFloat32:
    case ValueType::kFloat64: return Value::from_float(type, node.get<double>());
    case ValueType::kArray: {
      const ValueType element_type = type_from_name(node.at("element_type").get<std::string>());
      std::vector<Value> elements;
      for (const json& element : node.at("elements")) elements.push_back(value_from_json(element_type, element));
      return Value::from_array(element_type, std::move(elements));
    }
    case ValueType::kInt8:
    case ValueType::kInt16:
    case ValueType::kInt32:
    case ValueType::kInt64: return Value::from_int(type, node.get<std::int64_t>());
    default: return Value::from_uint(type, node.get<std::uint64_t>());
  }
}

std::size_t tensor_bytes(DType dtype, const std::vector<std::int64_t>& shape) {
  std::int64_t rows = 1;
  for (std::size_t dim = 0; dim + 1 < shape.size(); ++dim) rows *= shape[dim];
  return static_cast<std::size_t>(*row_bytes(dtype, shape.back()) * static_cast<std::uint64_t>(rows));
}

void expect_matches_description(const File& file, const json& description) {
  EXPECT_EQ(file.version(), description.at("version").get<std::uint32_t>());
  EXPECT_EQ(file.alignment(), description.at("alignment").get<std::uint64_t>());
  const json& metadata = description.at("metadata");
  ASSERT_EQ(file.metadata().size(), metadata.size());
  for (std::size_t index = 0; index < metadata.size(); ++index) {
    const std::string key = metadata[index].at("key").get<std::string>();
    const Value expected = value_from_json(type_from_name(metadata[index].at("type")), metadata[index].at("value"));
    EXPECT_EQ(file.metadata()[index].key, key);
    EXPECT_TRUE(file.metadata()[index].value == expected)
        << key << ": read " << file.metadata()[index].value.to_display_string() << ", expected "
        << expected.to_display_string();
    EXPECT_EQ(file.find(key), &file.metadata()[index].value);
  }
  const json& tensors = description.at("tensors");
  ASSERT_EQ(file.tensors().size(), tensors.size());
  std::uint64_t expected_offset = 0;
  for (std::size_t index = 0; index < tensors.size(); ++index) {
    const TensorInfo& tensor = file.tensors()[index];
    const auto dtype = dtype_from_name(tensors[index].at("type").get<std::string>());
    ASSERT_TRUE(dtype.has_value());
    const auto shape = tensors[index].at("shape").get<std::vector<std::int64_t>>();
    EXPECT_EQ(tensor.name, tensors[index].at("name").get<std::string>());
    EXPECT_EQ(tensor.dtype, *dtype);
    EXPECT_EQ(tensor.shape, shape);
    const std::size_t size = tensor_bytes(*dtype, shape);
    EXPECT_EQ(tensor.size_bytes, size);
    EXPECT_EQ(tensor.offset, expected_offset);
    expected_offset += (size + file.alignment() - 1) / file.alignment() * file.alignment();
    const auto expected = testing::pattern_bytes(tensors[index].at("seed").get<int>(), size);
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), tensor.data)) << tensor.name;
  }
}

// A writer holding what `file` holds, in the same order.
Writer rewrite(const File& file) {
  Writer writer(file.version());
  for (const KeyValue& entry : file.metadata()) EXPECT_TRUE(writer.set(entry.key, entry.value).ok()) << entry.key;
  for (const TensorInfo& tensor : file.tensors()) {
    EXPECT_TRUE(writer.add_tensor(tensor.name, tensor.dtype, tensor.shape, {tensor.data, tensor.size_bytes}).ok());
  }
  return writer;
}

TEST(GgufFixtures, PythonWrittenFilesMatchTheirDescription) {
  const json description = load_description();
  int checked = 0;
  for (const json& fixture : description.at("fixtures")) {
    if (fixture.at("writer") != "python") continue;
    const std::string name = fixture.at("file").get<std::string>();
    SCOPED_TRACE(name);
    auto file = File::open(kFixtureDir + name);
    ASSERT_TRUE(file.ok()) << file.error().to_string();
    expect_matches_description(*file, fixture);
    // The writer lays out the same content byte for byte as the Python writer.
    const std::vector<std::uint8_t> original = read_bytes(kFixtureDir + name);
    const std::vector<std::uint8_t> rewritten = rewrite(*file).to_bytes();
    EXPECT_TRUE(rewritten == original) << "rewritten " << rewritten.size() << " bytes, original " << original.size();
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(GgufFixtures, WriterReproducesTheFileCheckedByPython) {
  // tessera_v2_align16.gguf was written by gguf::Writer from its description and checked with
  // gguf.GGUFReader by the generator; the writer must keep producing exactly those bytes.
  const json description = load_description();
  for (const json& fixture : description.at("fixtures")) {
    if (fixture.at("writer") != "tessera") continue;
    const std::string name = fixture.at("file").get<std::string>();
    Writer writer(fixture.at("version").get<std::uint32_t>());
    for (const json& entry : fixture.at("metadata")) {
      ASSERT_TRUE(writer.set(entry.at("key"), value_from_json(type_from_name(entry.at("type")), entry.at("value"))).ok());
    }
    for (const json& tensor : fixture.at("tensors")) {
      const DType dtype = *dtype_from_name(tensor.at("type").get<std::string>());
      const auto shape = tensor.at("shape").get<std::vector<std::int64_t>>();
      ASSERT_TRUE(writer.add_tensor(tensor.at("name"), dtype, shape,
                                    testing::pattern_bytes(tensor.at("seed").get<int>(), tensor_bytes(dtype, shape)))
                      .ok());
    }
    const std::vector<std::uint8_t> written = writer.to_bytes();
    auto file = testing::parse(written);
    ASSERT_TRUE(file.ok()) << file.error().to_string();
    expect_matches_description(*file, fixture);
    const std::vector<std::uint8_t> committed = read_bytes(kFixtureDir + name);
    if (written != committed) {
      const std::string fresh = ::testing::TempDir() + name;
      ASSERT_TRUE(writer.write(fresh).ok());
      FAIL() << name << " differs from what the writer produces now (written to " << fresh
             << "); check it with generate_gguf_fixtures.py --check-only " << fresh << " before committing it";
    }
  }
}

}  // namespace
}  // namespace tessera::gguf

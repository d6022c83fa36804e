// The architecture checks a model loader makes: tensor shapes and types, vocabulary array lengths.
#include <gtest/gtest.h>

#include "formats/gguf_expect.h"
#include "gguf_test_support.h"

namespace tessera::gguf {
namespace {

class Expect : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = testing::parse(bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    file.emplace(std::move(parsed).value());
  }
  std::vector<std::uint8_t> bytes = testing::sample_file();
  std::optional<File> file;
};

TEST_F(Expect, TensorWithTheExpectedShapeAndType) {
  auto tensor = expect_tensor(*file, "blk.0.attn_q.weight", {DType::kF32, DType::kF16}, {8, 8});
  ASSERT_TRUE(tensor.ok()) << tensor.error().to_string();
  EXPECT_EQ((*tensor)->name, "blk.0.attn_q.weight");
  EXPECT_TRUE(expect_tensor(*file, "output_norm.weight", {}, {8}).ok()) << "an empty type list accepts any";
}

TEST_F(Expect, WrongShapeNamesBothShapes) {
  auto tensor = expect_tensor(*file, "blk.0.attn_q.weight", {}, {8, 16});
  ASSERT_FALSE(tensor.ok());
  EXPECT_EQ(tensor.error().code(), ErrorCode::kInvalidFormat);
  EXPECT_EQ(tensor.error().message(), "test.gguf: tensor 'blk.0.attn_q.weight' has shape [8, 8], expected [8, 16]");
  EXPECT_FALSE(expect_tensor(*file, "output_norm.weight", {}, {8, 1}).ok()) << "rank differs";
  EXPECT_FALSE(expect_tensor(*file, "output_norm.weight", {}, {}).ok());
}

TEST_F(Expect, WrongTypeNamesTheAllowedTypes) {
  auto tensor = expect_tensor(*file, "blk.0.ffn_q8.weight", {DType::kF32, DType::kQ4_0}, {2, 32});
  ASSERT_FALSE(tensor.ok());
  EXPECT_EQ(tensor.error().message(),
            "test.gguf: tensor 'blk.0.ffn_q8.weight' has type Q8_0, expected one of F32, Q4_0");
  auto single = expect_tensor(*file, "output_norm.weight", {DType::kF16}, {8});
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.error().message().find("has type F32, expected F16"), std::string::npos);
}

TEST_F(Expect, MissingTensor) {
  auto tensor = expect_tensor(*file, "blk.1.attn_q.weight", {}, {8, 8});
  ASSERT_FALSE(tensor.ok());
  EXPECT_EQ(tensor.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(tensor.error().message().find("'blk.1.attn_q.weight' missing"), std::string::npos);
}

TEST_F(Expect, VocabularyArrayLength) {
  auto tokens = expect_array_length(*file, "tokenizer.ggml.tokens", ValueType::kString, 8);
  ASSERT_TRUE(tokens.ok()) << tokens.error().to_string();
  EXPECT_EQ((*tokens)->elements[1].string_value, "<s>");
  auto wrong_length = expect_array_length(*file, "tokenizer.ggml.tokens", ValueType::kString, 9);
  ASSERT_FALSE(wrong_length.ok());
  EXPECT_EQ(wrong_length.error().message(), "test.gguf: metadata 'tokenizer.ggml.tokens' has 8 elements, expected 9");
  auto wrong_type = expect_array_length(*file, "tokenizer.ggml.tokens", ValueType::kFloat32, 8);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.error().message().find("array of str, expected f32"), std::string::npos);
  auto not_array = expect_array_length(*file, "test.string", ValueType::kString, 1);
  ASSERT_FALSE(not_array.ok());
  EXPECT_NE(not_array.error().message().find("is str, expected arr"), std::string::npos);
  auto missing = expect_array_length(*file, "tokenizer.ggml.scores", ValueType::kFloat32, 8);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST(GgufExpect, ShapeToString) {
  EXPECT_EQ(shape_to_string({}), "[]");
  EXPECT_EQ(shape_to_string({64, 512}), "[64, 512]");
}

}  // namespace
}  // namespace tessera::gguf

// Vocabulary metadata is untrusted: wrong-length arrays, unknown token types, merges naming
// missing tokens and out-of-range special ids must give an Error naming the key, never a crash.
#include <cstring>

#include <gtest/gtest.h>

#include "formats/gguf_reader.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/tokenizer.h"

namespace tessera::tokenizer {
namespace {

// A minimal GGUF v3 writer for metadata-only files.
class GgufBuilder {
 public:
  GgufBuilder& string(const std::string& key, const std::string& value) {
    write_key(key, 8);
    write_string(value);
    ++count_;
    return *this;
  }
  GgufBuilder& u32(const std::string& key, std::uint32_t value) {
    write_key(key, 4);
    write_pod(value);
    ++count_;
    return *this;
  }
  GgufBuilder& boolean(const std::string& key, bool value) {
    write_key(key, 7);
    write_pod(static_cast<std::uint8_t>(value));
    ++count_;
    return *this;
  }
  GgufBuilder& strings(const std::string& key, const std::vector<std::string>& values) {
    write_key(key, 9);
    write_pod(std::uint32_t{8});
    write_pod(static_cast<std::uint64_t>(values.size()));
    for (const std::string& value : values) write_string(value);
    ++count_;
    return *this;
  }
  GgufBuilder& floats(const std::string& key, const std::vector<float>& values) {
    write_key(key, 9);
    write_pod(std::uint32_t{6});
    write_pod(static_cast<std::uint64_t>(values.size()));
    for (float value : values) write_pod(value);
    ++count_;
    return *this;
  }
  GgufBuilder& int32s(const std::string& key, const std::vector<std::int32_t>& values) {
    write_key(key, 9);
    write_pod(std::uint32_t{5});
    write_pod(static_cast<std::uint64_t>(values.size()));
    for (std::int32_t value : values) write_pod(value);
    ++count_;
    return *this;
  }

  std::vector<std::uint8_t> bytes() const {
    std::vector<std::uint8_t> out;
    const auto append = [&](const void* data, std::size_t size) {
      const auto* begin = static_cast<const std::uint8_t*>(data);
      out.insert(out.end(), begin, begin + size);
    };
    const std::uint32_t magic = 0x46554747;
    const std::uint32_t version = 3;
    const std::uint64_t tensor_count = 0;
    append(&magic, 4);
    append(&version, 4);
    append(&tensor_count, 8);
    append(&count_, 8);
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  template <typename T>
  void write_pod(T value) {
    std::uint8_t buffer[sizeof(T)];
    std::memcpy(buffer, &value, sizeof(T));
    body_.insert(body_.end(), buffer, buffer + sizeof(T));
  }
  void write_string(const std::string& value) {
    write_pod(static_cast<std::uint64_t>(value.size()));
    body_.insert(body_.end(), value.begin(), value.end());
  }
  void write_key(const std::string& key, std::uint32_t type) {
    write_string(key);
    write_pod(type);
  }
  std::vector<std::uint8_t> body_;
  std::uint64_t count_ = 0;
};

// 256 byte-level characters plus "ab" and "abc".
std::vector<std::string> byte_level_tokens() {
  std::vector<std::string> tokens;
  for (int byte = 0; byte < 256; ++byte) tokens.push_back(to_byte_level(std::string(1, static_cast<char>(byte))));
  tokens.push_back("ab");
  tokens.push_back("abc");
  tokens.push_back("<|end|>");
  return tokens;
}

std::vector<std::int32_t> normal_types(std::size_t count) {
  std::vector<std::int32_t> types(count, 1);
  types.back() = 3;  // <|end|> is a control token
  return types;
}

Result<std::unique_ptr<Tokenizer>> load(const GgufBuilder& builder) {
  const std::vector<std::uint8_t> bytes = builder.bytes();
  TESSERA_ASSIGN_OR_RETURN(gguf::File file, gguf::File::parse(bytes, "test.gguf"));
  return Tokenizer::from_gguf(file);
}

GgufBuilder valid_bpe() {
  const auto tokens = byte_level_tokens();
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "gpt2")
      .string("tokenizer.ggml.pre", "gpt-2")
      .strings("tokenizer.ggml.tokens", tokens)
      .int32s("tokenizer.ggml.token_type", normal_types(tokens.size()))
      .strings("tokenizer.ggml.merges", {"a b", "ab c"});
  return builder;
}

void expect_error_naming(const Result<std::unique_ptr<Tokenizer>>& result, const std::string& key) {
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find(key), std::string::npos) << result.error().to_string();
}

TEST(MalformedVocab, ValidMinimalByteLevelBpeWorks) {
  auto tokenizer = load(valid_bpe());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
  EXPECT_EQ((*tokenizer)->encode("abc", false, false), (std::vector<std::int32_t>{257}));
  EXPECT_EQ((*tokenizer)->encode("abcab<|end|>", false, true), (std::vector<std::int32_t>{257, 256, 258}));
  EXPECT_TRUE((*tokenizer)->is_end_of_generation(258));
  EXPECT_EQ((*tokenizer)->decode((*tokenizer)->encode("x abc\xff", false, false)), "x abc\xff");
}

TEST(MalformedVocab, MissingModelKey) {
  GgufBuilder builder;
  builder.strings("tokenizer.ggml.tokens", {"a"});
  expect_error_naming(load(builder), "tokenizer.ggml.model");
}

TEST(MalformedVocab, UnknownModelIsUnsupported) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "rwkv-world").strings("tokenizer.ggml.tokens", {"a"});
  auto result = load(builder);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnsupported);
}

TEST(MalformedVocab, EmptyTokenList) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", {});
  expect_error_naming(load(builder), "tokenizer.ggml.tokens");
}

TEST(MalformedVocab, ScoresShorterThanTokens) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "llama")
      .strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "a"})
      .floats("tokenizer.ggml.scores", {0, 0, 0});
  expect_error_naming(load(builder), "tokenizer.ggml.scores");
}

TEST(MalformedVocab, TokenTypesLongerThanTokens) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "llama")
      .strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"})
      .int32s("tokenizer.ggml.token_type", {2, 3, 3, 1});
  expect_error_naming(load(builder), "tokenizer.ggml.token_type");
}

TEST(MalformedVocab, UnknownTokenTypeValue) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "llama")
      .strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"})
      .int32s("tokenizer.ggml.token_type", {2, 3, 42});
  expect_error_naming(load(builder), "tokenizer.ggml.token_type");
}

TEST(MalformedVocab, MergeReferencesMissingToken) {
  const auto tokens = byte_level_tokens();
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "gpt2")
      .strings("tokenizer.ggml.tokens", tokens)
      .strings("tokenizer.ggml.merges", {"a b", "x yz"});
  expect_error_naming(load(builder), "tokenizer.ggml.merges");
}

TEST(MalformedVocab, MergeWithoutSeparator) {
  const auto tokens = byte_level_tokens();
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "gpt2")
      .strings("tokenizer.ggml.tokens", tokens)
      .strings("tokenizer.ggml.merges", {"ab"});
  expect_error_naming(load(builder), "tokenizer.ggml.merges");
}

TEST(MalformedVocab, MissingMerges) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "gpt2").strings("tokenizer.ggml.tokens", byte_level_tokens());
  expect_error_naming(load(builder), "tokenizer.ggml.merges");
}

TEST(MalformedVocab, SpecialIdOutOfRange) {
  GgufBuilder builder = valid_bpe();
  builder.u32("tokenizer.ggml.eos_token_id", 100000);
  expect_error_naming(load(builder), "tokenizer.ggml.eos_token_id");
}

TEST(MalformedVocab, AddBosWithoutBosToken) {
  GgufBuilder builder = valid_bpe();
  builder.boolean("tokenizer.ggml.add_bos_token", true);
  expect_error_naming(load(builder), "add_bos_token");
}

TEST(MalformedVocab, WrongTypeForTokens) {
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "gpt2").floats("tokenizer.ggml.tokens", {1.0f});
  expect_error_naming(load(builder), "tokenizer.ggml.tokens");
}

TEST(MalformedVocab, SentencePieceWithoutByteTokensStillEncodes) {
  // No <0xXX> tokens and no unknown token: characters outside the vocabulary are dropped.
  GgufBuilder builder;
  builder.string("tokenizer.ggml.model", "llama")
      .strings("tokenizer.ggml.tokens", {"x", "\xE2\x96\x81", "a", "\xE2\x96\x81" "a"})
      .floats("tokenizer.ggml.scores", {0, 0, 0, 1})
      .u32("tokenizer.ggml.unknown_token_id", 0)
      .boolean("tokenizer.ggml.add_bos_token", false);
  auto tokenizer = load(builder);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
  EXPECT_EQ((*tokenizer)->encode("a a\xff", false, false), (std::vector<std::int32_t>{3, 3, 0}));
}

}  // namespace
}  // namespace tessera::tokenizer

// Behaviour on the real vocabularies of ../shared/data/tokenizers: round trips, special-token
// parsing on and off, segments, BOS/EOS, invalid UTF-8, long inputs, streaming decode.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "formats/gguf_reader.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/stream_decoder.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/utf8.h"

namespace tessera::tokenizer {
namespace {

namespace fs = std::filesystem;

const fs::path kTokenizerData = fs::path(TESSERA_SHARED_DATA) / "tokenizers";

// Loads (once per process) a vocabulary GGUF from the shared data, or nullptr when absent.
const Tokenizer* shared_vocab(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
  auto found = cache.find(name);
  if (found != cache.end()) return found->second.get();
  const fs::path path = kTokenizerData / ("ggml-vocab-" + name + ".gguf");
  std::unique_ptr<Tokenizer> tokenizer;
  if (fs::exists(path)) {
    auto file = gguf::File::open(path.string());
    if (!file.ok()) ADD_FAILURE() << file.error().to_string();
    if (file.ok()) {
      auto loaded = Tokenizer::from_gguf(*file);
      if (!loaded.ok()) ADD_FAILURE() << name << ": " << loaded.error().to_string();
      if (loaded.ok()) tokenizer = std::move(loaded).value();
    }
  }
  return cache.emplace(name, std::move(tokenizer)).first->second.get();
}

#define REQUIRE_VOCAB(variable, name)                                               \
  const Tokenizer* variable = shared_vocab(name);                                   \
  if (variable == nullptr) GTEST_SKIP() << "shared test data not found: " << name

const std::vector<std::string> kRoundTripTexts = {
    "",
    " ",
    "Hello world",
    "  leading and trailing spaces  ",
    "line one\nline two\r\n\ttabbed",
    "I've been 'told he's there, 'RE you sure?",
    "numbers 3 33 333 3333 1,234.5678",
    "Ça va? Grüße, niño, naïve, Æsir",
    "Привет мир",
    "你好，世界。日本語のテキスト",
    "🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅ 🦙🦙",
    "C++ code: for (int i = 0; i < n; ++i) { sum += v[i]; }",
    "!!!!!!??????......''''''```````",
    "     \n\n\n   \t\t  ",
};

class ByteLevelRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(ByteLevelRoundTrip, DecodeOfEncodeIsIdentity) {
  REQUIRE_VOCAB(tokenizer, GetParam());
  for (const std::string& text : kRoundTripTexts) {
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(text, false, false)), text) << GetParam();
  }
  // Invalid UTF-8 survives byte-level BPE unchanged. (Bytes 0xC0, 0xC1 and 0xF5-0xFF never occur
  // in UTF-8 and many vocabularies have no token for them, so they are left out here.)
  const std::string invalid = "abc\xc3 def \xe2\x82 \xed\xa0\x80 \x80\x81 end\xc3";
  EXPECT_EQ(tokenizer->decode(tokenizer->encode(invalid, false, false)), invalid) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(SharedData, ByteLevelRoundTrip,
                         ::testing::Values("gpt-2", "starcoder", "refact", "falcon", "deepseek-llm",
                                           "deepseek-coder", "mpt", "gpt-neox"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& character : name) {
                             if (character == '-') character = '_';
                           }
                           return name;
                         });

class SentencePieceRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(SentencePieceRoundTrip, DecodeOfEncodeIsIdentity) {
  REQUIRE_VOCAB(tokenizer, GetParam());
  EXPECT_EQ(tokenizer->model_kind(), ModelKind::kSentencePiece);
  for (const std::string& text : kRoundTripTexts) {
    // The prefix space the encoder adds is removed again by decode.
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(text, false, false)), text) << GetParam();
    // With BOS: decode skips the control token and still removes the prefix space.
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(text, true, false)), text) << GetParam();
  }
  // Bytes without a token fall back to <0xXX> tokens and come back unchanged.
  const std::string invalid = "abc\xff\xfe def \xc3 end";
  EXPECT_EQ(tokenizer->decode(tokenizer->encode(invalid, false, false)), invalid) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(SharedData, SentencePieceRoundTrip,
                         ::testing::Values("llama-spm", "phi-3", "baichuan"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& character : name) {
                             if (character == '-') character = '_';
                           }
                           return name;
                         });

TEST(SpecialTokens, ParsedOnlyWhenAllowed) {
  REQUIRE_VOCAB(tokenizer, "gpt-2");
  const std::int32_t end_of_text = tokenizer->find_token("<|endoftext|>");
  ASSERT_EQ(end_of_text, 50256);
  const std::string text = "Hello<|endoftext|>world";
  const auto parsed = tokenizer->encode(text, false, true);
  EXPECT_EQ(std::count(parsed.begin(), parsed.end(), end_of_text), 1);
  const auto plain = tokenizer->encode(text, false, false);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), end_of_text), 0);
  EXPECT_GT(plain.size(), parsed.size());
  // Control tokens are rendered only on request.
  EXPECT_EQ(tokenizer->decode(parsed), "Helloworld");
  EXPECT_EQ(tokenizer->decode(parsed, true), text);
  EXPECT_EQ(tokenizer->decode(plain), text);
}

TEST(SpecialTokens, LongestMatchWins) {
  REQUIRE_VOCAB(tokenizer, "phi-3");
  const auto ids = tokenizer->encode("<|user|>\nHi<|end|>\n<|assistant|>", false, true);
  ASSERT_GE(ids.size(), 5u);
  EXPECT_EQ(ids.front(), tokenizer->find_token("<|user|>"));
  EXPECT_EQ(ids.back(), tokenizer->find_token("<|assistant|>"));
  EXPECT_TRUE(tokenizer->is_end_of_generation(tokenizer->find_token("<|end|>")));
  EXPECT_TRUE(tokenizer->is_end_of_generation(tokenizer->eos_id()));
  EXPECT_FALSE(tokenizer->is_end_of_generation(tokenizer->find_token("<|user|>")));
}

TEST(SpecialTokens, UserDefinedTokensAlwaysMatch) {
  // GPT-NeoX (MPT) added runs of spaces as user-defined tokens; HF matches them in any text.
  REQUIRE_VOCAB(tokenizer, "mpt");
  const std::int32_t four_spaces = tokenizer->find_token("    ");
  ASSERT_NE(four_spaces, kNoToken);
  EXPECT_EQ(tokenizer->token_type(four_spaces), TokenType::kUserDefined);
  const auto ids = tokenizer->encode("a    b", false, false);
  EXPECT_NE(std::find(ids.begin(), ids.end(), four_spaces), ids.end());
}

TEST(SpecialTokens, SegmentsKeepUserTextPlain) {
  REQUIRE_VOCAB(tokenizer, "gpt-2");
  const std::vector<TextSegment> segments = {
      {"<|endoftext|>System: ", true}, {"ignore that <|endoftext|> and", false}, {" done<|endoftext|>", true}};
  const auto ids = tokenizer->encode_segments(segments, false);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 50256), 2);
  EXPECT_EQ(ids.front(), 50256);
  EXPECT_EQ(ids.back(), 50256);
  // Without special tokens, segments encode exactly like their concatenation.
  const std::vector<TextSegment> plain_segments = {{"Hello wor", true}, {"ld, how are", false}, {" you", true}};
  EXPECT_EQ(tokenizer->encode_segments(plain_segments, false),
            tokenizer->encode("Hello world, how are you", false, true));
}

TEST(AddSpecial, SentencePieceAddsBos) {
  REQUIRE_VOCAB(tokenizer, "llama-spm");
  EXPECT_TRUE(tokenizer->add_bos());
  EXPECT_EQ(tokenizer->bos_id(), 1);
  EXPECT_EQ(tokenizer->eos_id(), 2);
  const auto ids = tokenizer->encode("Hello", true, false);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(tokenizer->encode("", true, false), (std::vector<std::int32_t>{1}));
  EXPECT_TRUE(tokenizer->encode("", false, false).empty());
}

TEST(AddSpecial, WordPieceAddsClsAndSep) {
  REQUIRE_VOCAB(tokenizer, "bert-bge");
  const auto ids = tokenizer->encode("Hello world", true, false);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.front(), 101);
  EXPECT_EQ(ids.back(), 102);
  EXPECT_EQ(tokenizer->decode(ids), "hello world");
}

TEST(AddSpecial, ByteLevelBpeFollowsMetadata) {
  REQUIRE_VOCAB(tokenizer, "deepseek-llm");
  EXPECT_TRUE(tokenizer->add_bos());
  EXPECT_EQ(tokenizer->encode("Hi", true, false).front(), tokenizer->bos_id());
}

TEST(InvalidUtf8, NeverCrashesAnyModel) {
  const std::vector<std::string> inputs = {"\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\x80\x80\x80",
                                           "ok \xc0\xaf overlong", "\xed\xa0\x80 surrogate",
                                           std::string("nul\0byte", 8), "\xf8\x88\x80\x80\x80"};
  for (const char* name : {"gpt-2", "llama-spm", "bert-bge", "deepseek-llm", "falcon", "phi-3"}) {
    const Tokenizer* tokenizer = shared_vocab(name);
    if (tokenizer == nullptr) GTEST_SKIP() << "shared test data not found";
    for (const std::string& input : inputs) {
      const auto ids = tokenizer->encode(input, true, true);
      for (std::int32_t id : ids) EXPECT_TRUE(tokenizer->contains(id)) << name;
      (void)tokenizer->decode(ids, true);
    }
  }
}

TEST(LongInput, OneMegabyteEncodesQuickly) {
  REQUIRE_VOCAB(bpe, "gpt-2");
  REQUIRE_VOCAB(spm, "llama-spm");
  std::string mixed;
  while (mixed.size() < (1u << 20)) mixed += "The quick brown fox, 12345 jumps; über 🦙 ";
  const std::vector<std::string> inputs = {mixed, std::string(1u << 20, 'a'), std::string(1u << 20, ' '),
                                           std::string(1u << 20, '\xff')};
  for (const Tokenizer* tokenizer : {bpe, spm}) {
    for (const std::string& input : inputs) {
      const auto start = std::chrono::steady_clock::now();
      const auto ids = tokenizer->encode(input, false, false);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EXPECT_FALSE(ids.empty());
      EXPECT_LT(seconds, 30.0) << "1 MB input took " << seconds << " s";
      EXPECT_EQ(tokenizer->decode(ids), input);
    }
  }
}

TEST(StreamDecoding, HoldsBackPartialCharacters) {
  StreamDecoder decoder;
  const std::string rocket = "\xF0\x9F\x9A\x80";
  EXPECT_EQ(decoder.push_bytes("a"), "a");
  EXPECT_EQ(decoder.push_bytes(rocket.substr(0, 1)), "");
  EXPECT_EQ(decoder.push_bytes(rocket.substr(1, 2)), "");
  EXPECT_TRUE(decoder.has_pending());
  EXPECT_EQ(decoder.push_bytes(rocket.substr(3) + "b"), rocket + "b");
  EXPECT_FALSE(decoder.has_pending());
  // Clearly invalid bytes are replaced at once; a truncated tail only on flush.
  EXPECT_EQ(decoder.push_bytes("\xff" "c\xe2\x82"), "\xEF\xBF\xBD" "c");
  EXPECT_EQ(decoder.flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(decoder.push_bytes("\xe2\x82" "x"), "\xEF\xBF\xBD" "x");
}

TEST(StreamDecoding, TokenByTokenEqualsWholeDecode) {
  REQUIRE_VOCAB(tokenizer, "gpt-2");
  const std::string text = "Emoji 🦙🚀 and CJK 你好 with accents éè";
  const auto ids = tokenizer->encode(text, false, false);
  StreamDecoder decoder(*tokenizer);
  std::string streamed;
  bool saw_partial_piece = false;
  for (std::int32_t id : ids) {
    saw_partial_piece |= !is_valid_utf8(tokenizer->token_to_piece(id, false));
    streamed += decoder.push_token(id);
    EXPECT_TRUE(is_valid_utf8(streamed));
  }
  streamed += decoder.flush();
  EXPECT_EQ(streamed, text);
  EXPECT_TRUE(saw_partial_piece) << "the text should exercise tokens that split a character";
}

TEST(PreTokenizers, EveryKnownNameCompiles) {
  for (std::string_view name : known_pre_tokenizer_names()) {
    const auto spec = find_pre_tokenizer_spec(name);
    ASSERT_TRUE(spec.has_value()) << name;
    auto pre_tokenizer = PreTokenizer::create(*spec, true);
    ASSERT_TRUE(pre_tokenizer.ok()) << name << ": " << pre_tokenizer.error().to_string();
    const auto pieces = pre_tokenizer->split("Hello, world! 12345 你好 \xff\n\n  x");
    EXPECT_FALSE(pieces.empty()) << name;
  }
  EXPECT_FALSE(find_pre_tokenizer_spec("no-such-pre-tokenizer").has_value());
}

TEST(Accessors, TokenMetadata) {
  REQUIRE_VOCAB(tokenizer, "llama-spm");
  EXPECT_EQ(tokenizer->vocab_size(), 32000);
  EXPECT_EQ(tokenizer->token_text(1), "<s>");
  EXPECT_EQ(tokenizer->token_type(1), TokenType::kControl);
  EXPECT_EQ(tokenizer->token_text(-1), "");
  EXPECT_EQ(tokenizer->token_to_piece(32000, true), "");
  EXPECT_EQ(tokenizer->token_to_piece(13, false), "\n");  // <0x0A>
  EXPECT_EQ(tokenizer->token_to_piece(1, true), "<s>");
  EXPECT_EQ(tokenizer->token_to_piece(1, false), "");
}

TEST(HuggingFaceFiles, MissingFilesAreErrors) {
  auto result = Tokenizer::from_bpe_files("/nonexistent/vocab.json", "/nonexistent/merges.txt", "qwen2");
  EXPECT_FALSE(result.ok());
  auto unknown_pre = Tokenizer::from_bpe_files("a", "b", "no-such-pre");
  EXPECT_FALSE(unknown_pre.ok());
  auto json = Tokenizer::from_tokenizer_json("/nonexistent/tokenizer.json");
  EXPECT_FALSE(json.ok());
}

TEST(HuggingFaceFiles, Qwen2SpecialTokensFromAddedTokens) {
  const fs::path folder = kTokenizerData / "qwen2-bpe";
  if (!fs::exists(folder)) GTEST_SKIP() << "shared test data not found";
  const std::vector<AddedToken> added = {{151643, "<|endoftext|>", true}, {151644, "<|im_start|>", true},
                                         {151645, "<|im_end|>", true}};
  auto tokenizer = Tokenizer::from_bpe_files((folder / "vocab.json").string(), (folder / "merges.txt").string(),
                                             "qwen2", added);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
  const auto ids = (*tokenizer)->encode("<|im_start|>user\nHi<|im_end|>", false, true);
  EXPECT_EQ(ids.front(), 151644);
  EXPECT_EQ(ids.back(), 151645);
  EXPECT_TRUE((*tokenizer)->is_end_of_generation(151645));
  EXPECT_TRUE((*tokenizer)->is_end_of_generation(151643));
}

}  // namespace
}  // namespace tessera::tokenizer

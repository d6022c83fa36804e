// Token ids from Hugging Face `tokenizers` (tests/golden/tokenizer/generate_smollm_tokens.py):
// SmolLM2 (the project's default model) from its GGUF, MiniCPM3-4B from its tokenizer.json.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "formats/gguf_reader.h"
#include "tokenizer/tokenizer.h"

namespace tessera::tokenizer {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDirectory = fs::path(TESSERA_SOURCE_DIR) / "tests" / "golden" / "tokenizer";

fs::path smollm_path() {
  // TESSERA_TEST_SMOLLM_GGUF points elsewhere when models/ has not been set up.
  if (const char* override_path = std::getenv("TESSERA_TEST_SMOLLM_GGUF")) return override_path;
  return fs::path(TESSERA_SOURCE_DIR) / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf";
}

nlohmann::json read_fixture(const std::string& name) {
  std::ifstream stream(kGoldenDirectory / name);
  return nlohmann::json::parse(stream);
}

void check_fixture(const Tokenizer& tokenizer, const nlohmann::json& fixture) {
  std::size_t checked = 0;
  for (const auto& item : fixture["cases"]) {
    const std::string text = item["text"].get<std::string>();
    const auto parse_special = item["ids_parse_special"].get<std::vector<std::int32_t>>();
    const auto plain = item["ids_plain"].get<std::vector<std::int32_t>>();
    EXPECT_EQ(tokenizer.encode(text, false, true), parse_special) << "parse_special=true: '" << text << "'";
    EXPECT_EQ(tokenizer.encode(text, false, false), plain) << "parse_special=false: '" << text << "'";
    ++checked;
  }
  EXPECT_GT(checked, 20u);
}

TEST(SmolLM2Golden, MatchesHuggingFace) {
  const fs::path path = smollm_path();
  if (!fs::exists(path)) GTEST_SKIP() << "SmolLM2 GGUF not found at " << path << " (run the model setup step)";
  auto file = gguf::File::open(path.string());
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  auto tokenizer = Tokenizer::from_gguf(*file);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
  check_fixture(**tokenizer, read_fixture("smollm2_tokens.json"));

  // Chat markup of the default model.
  const Tokenizer& smollm = **tokenizer;
  EXPECT_FALSE(smollm.add_bos());
  EXPECT_EQ(smollm.find_token("<|im_end|>"), 2);
  EXPECT_TRUE(smollm.is_end_of_generation(2));
  EXPECT_TRUE(smollm.is_end_of_generation(0));  // <|endoftext|>
  EXPECT_FALSE(smollm.is_end_of_generation(1));  // <|im_start|>
  const std::string text = "Héllo wörld! 🦙 \xe2\x82 \xc3";
  EXPECT_EQ(smollm.decode(smollm.encode(text, false, false)), text);
}

TEST(MiniCpm3Golden, TokenizerJsonMatchesHuggingFace) {
  const fs::path path = fs::path(TESSERA_SHARED_DATA) / "tokenizers" / "openbmb-MiniCPM3-4B" / "tokenizer.json";
  if (!fs::exists(path)) GTEST_SKIP() << "shared test data not found: " << path;
  auto tokenizer = Tokenizer::from_tokenizer_json(path.string());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
  check_fixture(**tokenizer, read_fixture("minicpm3_tokens.json"));
  const std::string text = "Hello 你好 🦙";
  EXPECT_EQ((*tokenizer)->decode((*tokenizer)->encode(text, false, false)), text);
}

}  // namespace
}  // namespace tessera::tokenizer

// No accuracy loss: the mean log-likelihood of a fixed text (tests/golden/models/loglik_text.txt) on
// SmolLM2-135M-Instruct Q4_1 must be within 0.5% of llama.cpp's, with the same tokens, windows and
// scoring (tests/golden/models/generate_llama_cpp_loglik.py). Whole windows run through the prefill
// kernels, whose order of addition is Tessera's own; steps under 16 tokens add in llama.cpp's order,
// and there the result must equal llama.cpp's (which runs 512-token steps) all but exactly.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/perplexity.h"

namespace tessera::engine {
namespace {

const std::string kGoldenDir = std::string(TESSERA_SOURCE_DIR) + "/tests/golden/models/";
const std::string kModel = std::string(TESSERA_SOURCE_DIR) + "/models/SmolLM2-135M-Instruct.Q4_1.gguf";
constexpr double kRelativeTolerance = 0.005;
constexpr double kSmallStepTolerance = 1e-6;

std::string read_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

// Scores the fixed text in steps of `batch` tokens (0: whole windows) and checks it against llama.cpp's.
void expect_matches_llama_cpp(int batch, double tolerance) {
  nlohmann::json golden =
      nlohmann::json::parse(read_file(kGoldenDir + "smollm2-135m-instruct-q4_1-loglik.json"));
  const auto expected_tokens = golden["text_tokens"].get<std::vector<std::int32_t>>();
  const int context = golden["context"].get<int>();

  EngineOptions options;
  options.model_path = kModel;
  options.threads = 2;
  options.context_length = context;
  options.batch_size = batch > 0 ? batch : context;
  auto engine = Engine::load(options);
  ASSERT_TRUE(engine.ok()) << engine.error().to_string();
  // The same text must give llama.cpp's tokens, so both score the same sequence.
  auto tokens =
      (*engine)->tokenizer().encode(read_file(kGoldenDir + golden["text"].get<std::string>()), false, false);
  ASSERT_EQ(tokens, expected_tokens);

  auto result = evaluate_log_likelihood(**engine, tokens, context);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  ASSERT_EQ(result->windows.size(), golden["windows"].size());
  EXPECT_EQ(result->tokens_scored, golden["tokens_scored"].get<int>());
  for (std::size_t index = 0; index < result->windows.size(); ++index) {
    const double expected = golden["windows"][index]["mean_log_likelihood"].get<double>();
    const double measured = result->windows[index].mean_log_likelihood();
    std::printf("window %zu: %d tokens, mean log-likelihood %.9f (llama.cpp %.9f)\n", index,
                result->windows[index].tokens, measured, expected);
    EXPECT_LE(std::abs(measured - expected), tolerance * std::abs(expected)) << "window " << index;
  }
  const double expected = golden["mean_log_likelihood"].get<double>();
  const double measured = result->mean_log_likelihood();
  const double relative = std::abs(measured - expected) / std::abs(expected);
  std::printf(
      "steps of %d tokens, %d tokens scored: mean log-likelihood %.9f, llama.cpp %.9f, relative "
      "difference %.3g; perplexity %.4f, llama.cpp %.4f\n",
      options.batch_size, result->tokens_scored, measured, expected, relative, result->perplexity(),
      golden["perplexity"].get<double>());
  EXPECT_LE(relative, tolerance);
}

TEST(LogLikelihoodGolden, WholeWindowsAreWithinHalfAPercentOfLlamaCpp) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not present (run `make model`)";
  expect_matches_llama_cpp(0, kRelativeTolerance);
}

TEST(LogLikelihoodGolden, StepsOfEightTokensEqualLlamaCpp) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not present (run `make model`)";
  expect_matches_llama_cpp(8, kSmallStepTolerance);
}

}  // namespace
}  // namespace tessera::engine

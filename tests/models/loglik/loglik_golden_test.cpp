// No accuracy loss: the mean log-likelihood of a fixed text (tests/golden/models/loglik_text.txt) on
// SmolLM2-135M-Instruct Q4_1 must be within 0.5% of llama.cpp's, with the same tokens, windows and
// scoring (tests/golden/models/generate_llama_cpp_loglik.py). By default every step adds up in the CPU
// backend's block order, Tessera's own, which gives the same bits at any step size, one token
// included. In the plain order
// (llama.cpp's), steps under 16 tokens must equal llama.cpp's result (it runs 512-token steps) all
// but exactly.
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
#include "runtime/registry.h"

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

// Scores the fixed text in steps of `batch` tokens (0: whole windows) with the CPU backend's `order`
// of addition, checks it against llama.cpp's and returns the mean log-likelihood.
double expect_matches_llama_cpp(int batch, const std::string& order, double tolerance) {
  auto device = runtime::Registry::global().device("cpu");
  EXPECT_TRUE(device.ok() && device->backend().configure("order", order).ok()) << order;
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
  EXPECT_TRUE(engine.ok()) << engine.error().to_string();
  if (!engine.ok()) return NAN;
  // The same text must give llama.cpp's tokens, so both score the same sequence.
  auto tokens =
      (*engine)->tokenizer().encode(read_file(kGoldenDir + golden["text"].get<std::string>()), false, false);
  EXPECT_EQ(tokens, expected_tokens);

  auto result = evaluate_log_likelihood(**engine, tokens, context);
  EXPECT_TRUE(result.ok()) << result.error().to_string();
  if (!result.ok() || result->windows.size() != golden["windows"].size()) {
    ADD_FAILURE() << "windows differ from llama.cpp's";
    return NAN;
  }
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
      "difference %.3g; perplexity %.4f, llama.cpp %.4f (%s order)\n",
      options.batch_size, result->tokens_scored, measured, expected, relative, result->perplexity(),
      golden["perplexity"].get<double>(), order.c_str());
  EXPECT_LE(relative, tolerance);
  return measured;
}

TEST(LogLikelihoodGolden, WithinHalfAPercentOfLlamaCppInAnySteps) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not present (run `make model`)";
  const double whole_windows = expect_matches_llama_cpp(0, "blocks", kRelativeTolerance);
  const double steps_of_eight = expect_matches_llama_cpp(8, "blocks", kRelativeTolerance);
  const double one_by_one = expect_matches_llama_cpp(1, "blocks", kRelativeTolerance);
  // The block order does not depend on how many tokens a step holds.
  EXPECT_EQ(steps_of_eight, whole_windows);
  EXPECT_EQ(one_by_one, whole_windows);
}

TEST(LogLikelihoodGolden, StepsOfEightTokensInThePlainOrderEqualLlamaCpp) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not present (run `make model`)";
  expect_matches_llama_cpp(8, "plain", kSmallStepTolerance);
}

}  // namespace
}  // namespace tessera::engine

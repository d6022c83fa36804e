// KV cache reuse across chat turns: with reuse_cache the engine prefills only the part of each new
// prompt past what it already holds, and greedy generation gives exactly the tokens it gives when
// every turn prefills the whole conversation (models/SmolLM2-135M-Instruct.Q4_1.gguf; skipped when
// the file is absent).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "engine/engine.h"

namespace tessera::engine {
namespace {

const std::string kModel = std::string(TESSERA_SOURCE_DIR) + "/models/SmolLM2-135M-Instruct.Q4_1.gguf";

std::unique_ptr<Engine> load_engine() {
  EngineOptions options;
  options.model_path = kModel;
  options.threads = 2;
  options.context_length = 512;
  options.block_size = 16;
  // One token per forward step, in prefill as in generation. A prompt batch and a single-token step
  // may round differently in the last bit (different matmul paths), which is enough to flip a near
  // tie late in a greedy generation; stepping one token at a time makes the two engines compute
  // every position the same way, so any difference left would come from the cache reuse itself.
  options.batch_size = 1;
  auto engine = Engine::load(options);
  EXPECT_TRUE(engine.ok()) << engine.error().to_string();
  return engine.ok() ? std::move(*engine) : nullptr;
}

std::vector<std::int32_t> render_prompt(const Engine& engine, const chat::ChatTemplate& chat_template,
                                        const nlohmann::ordered_json& messages) {
  const auto& tokenizer = engine.tokenizer();
  auto text = [&](std::int32_t id) { return id >= 0 ? std::string(tokenizer.token_text(id)) : std::string(); };
  nlohmann::ordered_json special = {{"bos_token", text(tokenizer.bos_id())}, {"eos_token", text(tokenizer.eos_id())}};
  auto segments = chat_template.render_segments(chat::make_chat_context(messages, nullptr, true, special));
  EXPECT_TRUE(segments.ok()) << segments.error().to_string();
  std::vector<tokenizer::TextSegment> pieces;
  for (const auto& segment : *segments) pieces.push_back({segment.text, segment.trusted});
  return tokenizer.encode_segments(pieces, false);
}

std::size_t common_prefix(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  return static_cast<std::size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
}

TEST(ChatReuse, ThreeTurnsGiveTheSameTokensAndPrefillOnlyTheNewSuffix) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not present (run `make model`)";
  auto reusing = load_engine();
  auto fresh = load_engine();
  ASSERT_TRUE(reusing && fresh);
  auto source = reusing->file().get_string("tokenizer.chat_template");
  ASSERT_TRUE(source.ok()) << source.error().to_string();
  auto chat_template = chat::ChatTemplate::parse(*source);
  ASSERT_TRUE(chat_template.ok()) << chat_template.error().to_string();

  const std::vector<std::string> questions = {"What is the capital of France?", "And of Italy?",
                                              "Name a river that flows through one of them."};
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  messages.push_back({{"role", "system"}, {"content", "You are a concise assistant."}});
  std::vector<std::int32_t> cached;  // what the reusing engine should hold after each turn
  std::size_t previous_prompt = 0;
  for (std::size_t turn = 0; turn < questions.size(); ++turn) {
    SCOPED_TRACE("turn " + std::to_string(turn + 1));
    messages.push_back({{"role", "user"}, {"content", questions[turn]}});
    GenerationRequest request;
    request.prompt = render_prompt(*reusing, *chat_template, messages);
    request.max_tokens = 24;
    request.sampling.temperature = 0.0f;

    request.reuse_cache = false;
    auto expected = fresh->generate(request);
    ASSERT_TRUE(expected.ok()) << expected.error().to_string();
    request.reuse_cache = true;
    auto reused = reusing->generate(request);
    ASSERT_TRUE(reused.ok()) << reused.error().to_string();

    EXPECT_EQ(reused->tokens, expected->tokens);
    EXPECT_EQ(expected->timings.prompt_tokens, static_cast<int>(request.prompt.size()));
    EXPECT_EQ(expected->timings.reused_prompt_tokens, 0);
    std::size_t shared = std::min(common_prefix(cached, request.prompt), request.prompt.size() - 1);
    EXPECT_EQ(reused->timings.reused_prompt_tokens, static_cast<int>(shared));
    EXPECT_EQ(reused->timings.prompt_tokens, static_cast<int>(request.prompt.size() - shared));
    // At least the whole previous prompt is reused; only the last reply and the new question run.
    EXPECT_GE(shared, previous_prompt);
    previous_prompt = request.prompt.size();
    std::cout << "turn " << turn + 1 << ": prompt " << request.prompt.size() << " tokens, prefilled "
              << reused->timings.prompt_tokens << " with reuse, " << expected->timings.prompt_tokens << " without\n";

    // The engine keeps K and V of every token it ran: the prompt and all generated tokens but the last.
    cached = request.prompt;
    cached.insert(cached.end(), reused->tokens.begin(), reused->tokens.end() - 1);
    std::vector<std::int32_t> reply = reused->tokens;
    if (reused->finish_reason == "stop") reply.pop_back();
    messages.push_back({{"role", "assistant"}, {"content", reusing->tokenizer().decode(reply)}});
  }
}

TEST(ChatReuse, RepeatedPromptStillRecomputesTheLastToken) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not present (run `make model`)";
  auto engine = load_engine();
  ASSERT_TRUE(engine);
  GenerationRequest request;
  request.prompt = engine->tokenizer().encode("The quick brown fox", false, false);
  request.max_tokens = 8;
  request.reuse_cache = true;
  auto first = engine->generate(request);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto second = engine->generate(request);
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(second->tokens, first->tokens);
  EXPECT_EQ(second->timings.prompt_tokens, 1);
  EXPECT_EQ(second->timings.reused_prompt_tokens, static_cast<int>(request.prompt.size()) - 1);
  // A prompt that diverges inside the cached tokens keeps only the shared part.
  request.prompt.resize(2);
  request.prompt.push_back(request.prompt[0]);
  auto third = engine->generate(request);
  ASSERT_TRUE(third.ok()) << third.error().to_string();
  EXPECT_EQ(third->timings.reused_prompt_tokens, 2);
  EXPECT_EQ(third->timings.prompt_tokens, 1);
  // score() and calls without reuse start over.
  request.reuse_cache = false;
  auto plain = engine->generate(request);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->tokens, third->tokens);
  request.reuse_cache = true;
  auto after = engine->generate(request);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->timings.reused_prompt_tokens, 0);
}

}  // namespace
}  // namespace tessera::engine

// `tessera run`: generate a completion of a prompt, streaming the text, then report speed.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "tokenizer/stream_decoder.h"
#include "tools/command.h"

namespace tessera::cli {

namespace {

struct RunSettings {
  std::string model = kDefaultModel;
  std::string prompt;
  int max_tokens = 128;
  int threads = 0;
  int context = 0;
  bool json = false;
  bool parse_special = false;
  bool ignore_end = false;
  engine::SamplingParams sampling;
};

int run(const RunSettings& settings) {
  engine::EngineOptions options;
  options.model_path = settings.model;
  options.threads = settings.threads;
  options.context_length = settings.context;
  // A load failure propagates to main(), which prints it as one line and exits with 1.
  auto loaded = engine::Engine::load(options).value_or_throw();
  engine::Engine& engine = *loaded;
  const auto& tokenizer = engine.tokenizer();
  engine::GenerationRequest request;
  request.prompt = tokenizer.encode(settings.prompt, true, settings.parse_special);
  request.max_tokens = settings.max_tokens;
  request.sampling = settings.sampling;
  request.stop_at_end_of_generation = !settings.ignore_end;
  if (request.prompt.empty()) {
    std::fprintf(stderr, "tessera: the prompt encodes to no tokens\n");
    return 1;
  }
  if (!settings.json) {
    std::fputs(settings.prompt.c_str(), stdout);
    std::fflush(stdout);
  }
  tokenizer::StreamDecoder decoder(tokenizer);
  std::string text;
  auto on_token = [&](std::int32_t token) {
    if (engine.end_of_generation_tokens().contains(token) && request.stop_at_end_of_generation) return true;
    std::string piece = decoder.push_token(token);
    text += piece;
    if (!settings.json && !piece.empty()) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
    }
    return true;
  };
  auto result = engine.generate(request, on_token);
  if (!result.ok()) {
    std::fprintf(stderr, "\ntessera: %s\n", result.error().to_string().c_str());
    return 1;
  }
  std::string rest = decoder.flush();
  text += rest;
  const auto& timings = result->timings;
  if (settings.json) {
    nlohmann::json report = {
        {"prompt_tokens", request.prompt},
        {"tokens", result->tokens},
        {"text", text},
        {"finish_reason", result->finish_reason},
        {"timings",
         {{"prompt_tokens", timings.prompt_tokens},
          {"prompt_seconds", timings.prompt_seconds},
          {"prompt_tokens_per_second", timings.prompt_tokens_per_second()},
          {"generated_tokens", timings.generated_tokens},
          {"generation_seconds", timings.generation_seconds},
          {"generation_tokens_per_second", timings.generation_tokens_per_second()}}},
    };
    // Invalid UTF-8 from a model is replaced, never an exception from the JSON writer.
    fmt::print("{}\n", report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
  }
  std::fputs(rest.c_str(), stdout);
  std::fputs("\n", stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "\nprompt: %d tokens, %.1f tokens/s | generation: %d tokens, %.1f tokens/s (%s)\n",
               timings.prompt_tokens, timings.prompt_tokens_per_second(), timings.generated_tokens,
               timings.generation_tokens_per_second(), result->finish_reason.c_str());
  return 0;
}

}  // namespace

CommandRunner add_run_command(CLI::App& root) {
  auto settings = std::make_shared<RunSettings>();
  auto* command = root.add_subcommand("run", "Generate a completion of a prompt");
  command->add_option("-m,--model", settings->model, "GGUF model file")->capture_default_str();
  command->add_option("-p,--prompt", settings->prompt, "Prompt text")->required();
  command->add_option("-n,--n-predict", settings->max_tokens, "Tokens to generate")->check(CLI::Range(0, 1 << 20))->capture_default_str();
  command->add_option("--temp", settings->sampling.temperature, "Temperature (0 = greedy)")->capture_default_str();
  command->add_option("--top-k", settings->sampling.top_k, "Top-k (0 disables)")->capture_default_str();
  command->add_option("--top-p", settings->sampling.top_p, "Top-p (1 disables)")->capture_default_str();
  command->add_option("--min-p", settings->sampling.min_p, "Min-p (0 disables)")->capture_default_str();
  command->add_option("--repeat-penalty", settings->sampling.repetition_penalty, "Repetition penalty (1 disables)");
  command->add_option("--presence-penalty", settings->sampling.presence_penalty, "Presence penalty");
  command->add_option("--frequency-penalty", settings->sampling.frequency_penalty, "Frequency penalty");
  command->add_option("--repeat-last-n", settings->sampling.penalty_last_n, "Tokens the penalties look back over");
  command->add_option("-s,--seed", settings->sampling.seed, "Sampling seed")->capture_default_str();
  command->add_option("-t,--threads", settings->threads, "CPU threads (default: all cores)")->check(CLI::Range(0, 1024));
  command->add_option("-c,--ctx-size", settings->context, "Context length (default: min(model, 4096))")->check(CLI::Range(0, 1 << 20));
  command->add_flag("--parse-special", settings->parse_special, "Parse special-token text in the prompt");
  command->add_flag("--ignore-eos", settings->ignore_end, "Keep generating past end-of-generation tokens");
  command->add_flag("--json", settings->json, "Print one JSON object instead of streaming text");
  return [settings] { return run(*settings); };
}

}  // namespace tessera::cli

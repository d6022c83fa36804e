// `tessera perplexity`: mean log-likelihood and perplexity of a text, window by window (the windows
// and the scoring are described in src/engine/perplexity.h).
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/perplexity.h"
#include "tools/command.h"
#include "tools/text_file.h"

namespace tessera::cli {

namespace {

struct PerplexitySettings {
  std::string model = kDefaultModel;
  std::string file;
  std::string text;
  int context = 512;
  int batch = 0;  // 0: the whole window in one step
  int threads = 0;
  bool json = false;
};

int perplexity(PerplexitySettings settings) {
  auto contents = text_or_file(settings.text, settings.file);
  if (!contents.ok()) {
    std::fprintf(stderr, "tessera: %s\n", contents.error().to_string().c_str());
    return 1;
  }
  settings.text = std::move(contents.value());
  if (settings.text.empty()) {
    std::fprintf(stderr, "tessera: the text is empty\n");
    return 1;
  }
  engine::EngineOptions options;
  options.model_path = settings.model;
  options.threads = settings.threads;
  options.context_length = settings.context;
  options.batch_size = settings.batch > 0 ? settings.batch : settings.context;
  auto loaded = engine::Engine::load(options).value_or_throw();
  // BOS is added per window, so the text is encoded without special tokens.
  auto tokens = loaded->tokenizer().encode(settings.text, false, false);
  auto result = engine::evaluate_log_likelihood(*loaded, tokens, settings.context).value_or_throw();
  const double tokens_per_second = result.seconds > 0 ? result.tokens_scored / result.seconds : 0.0;
  if (settings.json) {
    nlohmann::json windows = nlohmann::json::array();
    for (const auto& window : result.windows) {
      windows.push_back({{"tokens", window.tokens},
                         {"tokens_scored", window.tokens_scored},
                         {"mean_log_likelihood", window.mean_log_likelihood()},
                         {"seconds", window.seconds}});
    }
    nlohmann::json report = {
        {"text_tokens", tokens.size()},
        {"context", settings.context},
        {"tokens_scored", result.tokens_scored},
        {"mean_log_likelihood", result.mean_log_likelihood()},
        {"perplexity", result.perplexity()},
        {"windows", windows},
        {"timings", {{"seconds", result.seconds}, {"tokens_per_second", tokens_per_second}}},
    };
    fmt::print("{}\n", report.dump(2));
    return 0;
  }
  fmt::print("text tokens: {}, windows: {} of up to {} tokens, tokens scored: {}\n", tokens.size(),
             result.windows.size(), settings.context, result.tokens_scored);
  fmt::print("mean log-likelihood: {:.6f} nats/token\nperplexity: {:.4f}\n", result.mean_log_likelihood(),
             result.perplexity());
  fmt::print("time: {:.2f} s ({:.1f} tokens/s)\n", result.seconds, tokens_per_second);
  return 0;
}

}  // namespace

CommandRunner add_perplexity_command(CLI::App& root) {
  auto settings = std::make_shared<PerplexitySettings>();
  auto* command = root.add_subcommand("perplexity", "Mean log-likelihood and perplexity of a text");
  command->add_option("-m,--model", settings->model, "GGUF model file")->capture_default_str();
  auto* file = command->add_option("-f,--file", settings->file, "File holding the text");
  auto* text = command->add_option("--text", settings->text, "The text itself");
  file->excludes(text);
  command->add_option("-c,--ctx-size,--context", settings->context, "Tokens per window, BOS included")
      ->check(CLI::Range(2, 1 << 20))
      ->capture_default_str();
  command->add_option("-b,--batch", settings->batch, "Tokens per forward step (default: the whole window)")
      ->check(CLI::Range(1, 1 << 20));
  command->add_option("-t,--threads", settings->threads, "CPU threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  command->add_flag("--json", settings->json, "Print one JSON object");
  return [settings, file, text]() -> int {
    if (file->count() == 0 && text->count() == 0) {
      std::fprintf(stderr, "tessera: perplexity needs -f FILE or --text TEXT\n");
      return 1;
    }
    return perplexity(*settings);
  };
}

}  // namespace tessera::cli

// `tessera chat`: interactive multi-turn chat in the terminal with the model's own chat template.
// Lines starting with / are commands: /reset clears the conversation, /exit leaves. Works on a
// terminal and on a pipe (one user message per line).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "engine/engine.h"
#include "tokenizer/stream_decoder.h"
#include "tools/command.h"
#include "tools/text_file.h"

namespace tessera::cli {

namespace {

struct ChatSettings {
  std::string model = kDefaultModel;
  std::string system;
  std::string template_file;
  int max_tokens = 512;
  int threads = 0;
  int context = 0;
  engine::SamplingParams sampling;
};

Result<std::string> read_template(const ChatSettings& settings, const engine::Engine& engine) {
  if (!settings.template_file.empty()) return read_text_file(settings.template_file);
  auto source = engine.file().get_string("tokenizer.chat_template");
  if (!source.ok()) {
    return make_error(ErrorCode::kNotFound, "{}: the model has no tokenizer.chat_template; pass --chat-template-file",
                      settings.model);
  }
  return source;
}

std::string special_text(const tokenizer::Tokenizer& tokenizer, std::int32_t id) {
  return id >= 0 && tokenizer.contains(id) ? std::string(tokenizer.token_text(id)) : std::string();
}

int chat(const ChatSettings& settings) {
  engine::EngineOptions options;
  options.model_path = settings.model;
  options.threads = settings.threads;
  options.context_length = settings.context;
  // Failures propagate to main(), which prints them as one line and exits with 1.
  auto loaded = engine::Engine::load(options).value_or_throw();
  engine::Engine& engine = *loaded;
  const auto& tokenizer = engine.tokenizer();
  std::string source = read_template(settings, engine).value_or_throw();
  auto parsed = chat::ChatTemplate::parse(source).value_or_throw();
  const nlohmann::ordered_json special_tokens = {{"bos_token", special_text(tokenizer, tokenizer.bos_id())},
                                                 {"eos_token", special_text(tokenizer, tokenizer.eos_id())}};
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  auto reset = [&] {
    messages = nlohmann::ordered_json::array();
    if (!settings.system.empty()) messages.push_back({{"role", "system"}, {"content", settings.system}});
  };
  reset();
  std::string line;
  while (true) {
    if (interactive) {
      std::fputs("> ", stdout);
      std::fflush(stdout);
    }
    if (!std::getline(std::cin, line)) break;
    if (line == "/exit" || line == "/quit") break;
    if (line == "/reset") {
      reset();
      std::fputs("(conversation cleared)\n", stdout);
      continue;
    }
    if (line.empty()) continue;
    messages.push_back({{"role", "user"}, {"content", line}});
    auto context = chat::make_chat_context(messages, nlohmann::ordered_json(), true, special_tokens);
    auto segments = parsed.render_segments(context).value_or_throw();
    // The template's own text may hold special tokens; what the user typed never does.
    std::vector<tokenizer::TextSegment> pieces;
    for (const auto& segment : segments) pieces.push_back({segment.text, segment.trusted});
    engine::GenerationRequest request;
    request.prompt = tokenizer.encode_segments(pieces, false);
    request.max_tokens = settings.max_tokens;
    request.sampling = settings.sampling;
    // The engine keeps the conversation's KV cache between turns and prefills only what the new
    // render adds past the longest prefix it shares with the tokens already cached.
    request.reuse_cache = true;
    if (static_cast<int>(request.prompt.size()) + request.max_tokens > engine.context_length()) {
      request.max_tokens = engine.context_length() - static_cast<int>(request.prompt.size());
      if (request.max_tokens <= 0) {
        std::fputs("(the conversation fills the context; /reset to start over)\n", stdout);
        messages.erase(messages.end() - 1);
        continue;
      }
    }
    tokenizer::StreamDecoder decoder(tokenizer);
    std::string reply;
    auto on_token = [&](std::int32_t token) {
      if (engine.end_of_generation_tokens().contains(token)) return true;
      std::string piece = decoder.push_token(token);
      reply += piece;
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
      return true;
    };
    auto result = engine.generate(request, on_token);
    if (!result.ok()) {
      std::fprintf(stderr, "\ntessera: %s\n", result.error().to_string().c_str());
      return 1;
    }
    std::string rest = decoder.flush();
    reply += rest;
    std::fputs(rest.c_str(), stdout);
    std::fputs("\n", stdout);
    std::fflush(stdout);
    messages.push_back({{"role", "assistant"}, {"content", reply}});
  }
  return 0;
}

}  // namespace

CommandRunner add_chat_command(CLI::App& root) {
  auto settings = std::make_shared<ChatSettings>();
  auto* command = root.add_subcommand("chat", "Interactive multi-turn chat using the model's chat template");
  command->add_option("-m,--model", settings->model, "GGUF model file")->capture_default_str();
  command->add_option("--system", settings->system, "System message");
  command->add_option("--chat-template-file", settings->template_file, "Jinja chat template to use instead of the model's");
  command->add_option("-n,--n-predict", settings->max_tokens, "Most tokens per reply")->check(CLI::Range(1, 1 << 20));
  command->add_option("--temp", settings->sampling.temperature, "Temperature (0 = greedy)")->capture_default_str();
  command->add_option("--top-k", settings->sampling.top_k, "Top-k (0 disables)");
  command->add_option("--top-p", settings->sampling.top_p, "Top-p (1 disables)");
  command->add_option("--min-p", settings->sampling.min_p, "Min-p (0 disables)");
  command->add_option("-s,--seed", settings->sampling.seed, "Sampling seed");
  command->add_option("-t,--threads", settings->threads, "CPU threads")->check(CLI::Range(0, 1024));
  command->add_option("-c,--ctx-size", settings->context, "Context length")->check(CLI::Range(0, 1 << 20));
  return [settings] { return chat(*settings); };
}

}  // namespace tessera::cli

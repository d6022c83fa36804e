// `tessera tokenize`: print the token ids of a text as a JSON array.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "formats/gguf_reader.h"
#include "tokenizer/tokenizer.h"
#include "tools/command.h"
#include "tools/text_file.h"

namespace tessera::cli {

namespace {

struct TokenizeSettings {
  std::string model = kDefaultModel;
  std::string text;
  std::string file;
  bool parse_special = false;
  bool add_special = false;
};

int tokenize(const TokenizeSettings& settings) {
  auto text = text_or_file(settings.text, settings.file);
  if (!text.ok()) {
    std::fprintf(stderr, "tessera: %s\n", text.error().to_string().c_str());
    return 1;
  }
  auto file = gguf::File::open(settings.model);
  if (!file.ok()) {
    std::fprintf(stderr, "tessera: %s\n", file.error().to_string().c_str());
    return 1;
  }
  auto tokenizer = tokenizer::Tokenizer::from_gguf(*file);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "tessera: %s\n", tokenizer.error().to_string().c_str());
    return 1;
  }
  auto ids = (*tokenizer)->encode(*text, settings.add_special, settings.parse_special);
  fmt::print("{}\n", nlohmann::json(ids).dump());
  return 0;
}

}  // namespace

CommandRunner add_tokenize_command(CLI::App& root) {
  auto settings = std::make_shared<TokenizeSettings>();
  auto* command = root.add_subcommand("tokenize", "Print the token ids of a text as a JSON array");
  command->add_option("-m,--model", settings->model, "GGUF model (or vocab-only) file")->capture_default_str();
  auto* text = command->add_option("--text", settings->text, "Text to tokenize");
  auto* file = command->add_option("--file", settings->file, "File whose contents to tokenize");
  text->excludes(file);
  command->add_flag("--parse-special", settings->parse_special, "Parse special-token text as special tokens");
  command->add_flag("--add-special", settings->add_special, "Add BOS/EOS as the model's metadata asks");
  return [settings, text, file]() -> int {
    if (text->count() == 0 && file->count() == 0) {
      std::fprintf(stderr, "tessera: tokenize needs --text or --file\n");
      return 1;
    }
    return tokenize(*settings);
  };
}

}  // namespace tessera::cli

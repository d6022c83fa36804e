// Chat templates: the Jinja2 subset that Hugging Face chat templates use, rendering byte-identically
// to Python jinja2 configured as transformers configures it (ImmutableSandboxedEnvironment with
// trim_blocks, lstrip_blocks, loop controls, {% generation %}, and the tojson, raise_exception and
// strftime_now that transformers adds).
//
// Output comes as segments tagged trusted (template literal text, special tokens the caller marked
// trusted) or untrusted (text that came from context data such as messages and tools, even after
// string operations). The tokenizer parses special tokens only in trusted segments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace tessera::chat {

struct Limits {
  std::uint64_t max_steps = 20'000'000;      // expressions evaluated plus statements executed
  std::size_t max_output_bytes = 16u << 20;  // output and every intermediate string
  std::size_t max_items = 4u << 20;          // elements in one list built by the template
  int max_call_depth = 100;                  // nested macro calls
  int max_evaluation_depth = 2000;           // nested evaluations
};

struct RenderOptions {
  Limits limits;
  std::optional<std::tm> now;  // what strftime_now sees; the local time when absent
};

struct Segment {
  std::string text;
  bool trusted = false;
};

// Variables a template sees. Untrusted values (messages, tools, documents, anything a client sent)
// taint every string inside them; trusted ones (bos_token, eos_token, add_generation_prompt) do not.
class Context {
 public:
  void set(std::string name, const nlohmann::ordered_json& value, bool trusted = false);
  // Every member of a JSON object, all with the same trust.
  void set_all(const nlohmann::ordered_json& object, bool trusted = false);

  struct Variable {
    std::string name;
    nlohmann::ordered_json value;
    bool trusted;
  };
  const std::vector<Variable>& variables() const { return variables_; }

 private:
  std::vector<Variable> variables_;
};

class ChatTemplate {
 public:
  // Syntax errors carry "line L, column C" in the message.
  static Result<ChatTemplate> parse(std::string_view source);

  Result<std::string> render(const Context& context, const RenderOptions& options = {}) const;
  Result<std::vector<Segment>> render_segments(const Context& context, const RenderOptions& options = {}) const;

 private:
  struct Program;
  std::shared_ptr<const Program> program_;
};

// The context transformers' apply_chat_template builds: messages, tools, documents (untrusted),
// add_generation_prompt and special tokens such as bos_token/eos_token (trusted).
Context make_chat_context(const nlohmann::ordered_json& messages, const nlohmann::ordered_json& tools,
                          bool add_generation_prompt, const nlohmann::ordered_json& special_tokens);

}  // namespace tessera::chat

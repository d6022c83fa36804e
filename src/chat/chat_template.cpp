#include "chat/chat_template.h"

#include <new>

#include "chat/interpreter.h"
#include "chat/parser.h"

namespace tessera::chat {

struct ChatTemplate::Program {
  std::vector<NodePtr> body;
};

void Context::set(std::string name, const nlohmann::ordered_json& value, bool trusted) {
  for (Variable& variable : variables_) {
    if (variable.name == name) {
      variable.value = value;
      variable.trusted = trusted;
      return;
    }
  }
  variables_.push_back({std::move(name), value, trusted});
}

void Context::set_all(const nlohmann::ordered_json& object, bool trusted) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.items()) set(key, value, trusted);
}

static Error template_error(const RenderError& error) {
  return make_error(ErrorCode::kInvalidArgument, "template line {}, column {}: {}", error.line, error.column,
                    error.message);
}

Result<ChatTemplate> ChatTemplate::parse(std::string_view source) {
  try {
    auto program = std::make_shared<Program>();
    program->body = parse_template(source);
    ChatTemplate result;
    result.program_ = std::move(program);
    return result;
  } catch (const RenderError& error) {
    return template_error(error);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kOutOfMemory, "template too large to parse");
  }
}

static Result<Text> render_text(const std::vector<NodePtr>& body, const Context& context, const RenderOptions& options) {
  std::tm now{};
  if (options.now) {
    now = *options.now;
  } else {
    std::time_t seconds = std::time(nullptr);
    localtime_r(&seconds, &now);
  }
  try {
    auto globals = std::make_shared<Scope>();
    add_builtin_globals(*globals);
    for (const Context::Variable& variable : context.variables()) {
      globals->set(variable.name, from_json(variable.value, !variable.trusted));
    }
    Interpreter interpreter(options.limits, now);
    return interpreter.render(body, std::move(globals));
  } catch (const RenderError& error) {
    return template_error(error);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kOutOfMemory, "template rendering ran out of memory");
  } catch (const std::length_error&) {
    return make_error(ErrorCode::kOutOfMemory, "template rendering exceeded a size limit");
  }
}

Result<std::string> ChatTemplate::render(const Context& context, const RenderOptions& options) const {
  if (!program_) return make_error(ErrorCode::kInvalidArgument, "template was not parsed");
  TESSERA_ASSIGN_OR_RETURN(Text text, render_text(program_->body, context, options));
  return text.str();
}

Result<std::vector<Segment>> ChatTemplate::render_segments(const Context& context, const RenderOptions& options) const {
  if (!program_) return make_error(ErrorCode::kInvalidArgument, "template was not parsed");
  TESSERA_ASSIGN_OR_RETURN(Text text, render_text(program_->body, context, options));
  std::vector<Segment> segments;
  std::size_t position = 0;
  for (const TaintRange& range : text.tainted_ranges()) {
    if (range.begin > position) segments.push_back({text.str().substr(position, range.begin - position), true});
    segments.push_back({text.str().substr(range.begin, range.end - range.begin), false});
    position = range.end;
  }
  if (position < text.size()) segments.push_back({text.str().substr(position), true});
  return segments;
}

Context make_chat_context(const nlohmann::ordered_json& messages, const nlohmann::ordered_json& tools,
                          bool add_generation_prompt, const nlohmann::ordered_json& special_tokens) {
  Context context;
  context.set_all(special_tokens, true);
  context.set("messages", messages, false);
  context.set("tools", tools, false);
  context.set("documents", nullptr, false);
  context.set("add_generation_prompt", add_generation_prompt, true);
  return context;
}

}  // namespace tessera::chat

#include "chat/output_parser.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

namespace tessera::chat {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";
constexpr std::string_view kHermesOpen = "<tool_call>";
constexpr std::string_view kHermesClose = "</tool_call>";
constexpr std::string_view kPythonTag = "<|python_tag|>";
constexpr std::string_view kMistralCalls = "[TOOL_CALLS]";
constexpr std::string_view kMistralArgs = "[ARGS]";
constexpr std::string_view kMistralCallId = "[CALL_ID]";
constexpr std::string_view kDeepSeekCallsBegin = "<｜tool▁calls▁begin｜>";
constexpr std::string_view kDeepSeekCallsEnd = "<｜tool▁calls▁end｜>";
constexpr std::string_view kDeepSeekCallBegin = "<｜tool▁call▁begin｜>";
constexpr std::string_view kDeepSeekCallEnd = "<｜tool▁call▁end｜>";
constexpr std::string_view kDeepSeekSep = "<｜tool▁sep｜>";
constexpr int kMaxJsonDepth = 128;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view lstrip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view rstrip(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Length of the longest suffix of text that is a proper prefix of a marker: text that must wait.
std::size_t held_suffix(std::string_view text, const std::vector<std::string_view>& markers) {
  std::size_t held = 0;
  for (std::string_view marker : markers) {
    for (std::size_t n = std::min(text.size(), marker.size() - 1); n > held; --n) {
      if (text.substr(text.size() - n) == marker.substr(0, n)) {
        held = n;
        break;
      }
    }
  }
  return held;
}

enum class Status : std::uint8_t { kComplete, kIncomplete, kMalformed };

// Finds the end of the JSON object or array starting at s[start] (after whitespace) by bracket
// matching outside strings; the depth bound keeps the recursive JSON parser's stack small.
Status json_extent(std::string_view s, std::size_t start, std::size_t& begin, std::size_t& end) {
  std::size_t i = start;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i == s.size()) return Status::kIncomplete;
  if (s[i] != '{' && s[i] != '[') return Status::kMalformed;
  begin = i;
  std::vector<char> stack;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      stack.push_back(c == '{' ? '}' : ']');
      if (static_cast<int>(stack.size()) > kMaxJsonDepth) return Status::kMalformed;
    } else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != c) return Status::kMalformed;
      stack.pop_back();
      if (stack.empty()) {
        end = i + 1;
        return Status::kComplete;
      }
    }
  }
  return Status::kIncomplete;
}

std::optional<Json> parse_json(std::string_view text) {
  Json value = Json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::string arguments_text(const Json& arguments) {
  if (arguments.is_string()) return arguments.get<std::string>();
  if (arguments.is_null()) return "{}";
  return arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// {"name": ..., "arguments"|"parameters": ...} → call; false when the object is not call-shaped.
bool call_from_object(const Json& object, std::vector<ToolCall>& calls) {
  if (!object.is_object()) return false;
  auto name = object.find("name");
  if (name == object.end() || !name->is_string()) return false;
  ToolCall call;
  call.name = name->get<std::string>();
  auto arguments = object.find("arguments");
  if (arguments == object.end()) arguments = object.find("parameters");
  call.arguments = arguments == object.end() ? "{}" : arguments_text(*arguments);
  calls.push_back(std::move(call));
  return true;
}

struct CallParse {
  Status status = Status::kMalformed;
  std::size_t end = 0;
  std::vector<ToolCall> calls;
};

CallParse parse_json_calls(std::string_view text, std::size_t start, bool final) {
  CallParse result;
  std::size_t begin = 0;
  std::size_t end = 0;
  Status status = json_extent(text, start, begin, end);
  if (status == Status::kIncomplete && !final) return {Status::kIncomplete, 0, {}};
  if (status != Status::kComplete) return result;
  std::optional<Json> value = parse_json(text.substr(begin, end - begin));
  if (!value) return result;
  if (value->is_array()) {
    for (const Json& item : *value) {
      if (!call_from_object(item, result.calls)) return {Status::kMalformed, 0, {}};
    }
  } else if (!call_from_object(*value, result.calls)) {
    return result;
  }
  result.status = Status::kComplete;
  result.end = end;
  return result;
}

CallParse parse_hermes(std::string_view text, std::size_t after, bool final) {
  std::size_t close = text.find(kHermesClose, after);
  if (close == std::string_view::npos && !final) return {Status::kIncomplete, 0, {}};
  std::string_view inner = close == std::string_view::npos ? text.substr(after) : text.substr(after, close - after);
  std::size_t begin = 0;
  std::size_t end = 0;
  if (json_extent(inner, 0, begin, end) != Status::kComplete || !strip(inner.substr(end)).empty()) return {};
  std::optional<Json> value = parse_json(inner.substr(begin, end - begin));
  CallParse result;
  if (!value || !call_from_object(*value, result.calls)) return {};
  result.status = Status::kComplete;
  result.end = close == std::string_view::npos ? text.size() : close + kHermesClose.size();
  return result;
}

CallParse parse_mistral(std::string_view text, std::size_t after, bool final) {
  std::size_t i = after;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i == text.size()) return final ? CallParse{} : CallParse{Status::kIncomplete, 0, {}};
  if (text[i] == '[' && text.substr(i, kMistralArgs.size()) != kMistralArgs) return parse_json_calls(text, i, final);
  // [TOOL_CALLS]name[ARGS]{...}, optionally name[CALL_ID]id[ARGS]{...}
  std::size_t args = text.find(kMistralArgs, i);
  if (args == std::string_view::npos) {
    if (!final && text.find_first_of("{}\n", i) == std::string_view::npos) return {Status::kIncomplete, 0, {}};
    return {};
  }
  std::string_view name = strip(text.substr(i, args - i));
  if (std::size_t id = name.find(kMistralCallId); id != std::string_view::npos) name = strip(name.substr(0, id));
  if (name.empty() || name.find_first_of("{}[]\n\" ") != std::string_view::npos) return {};
  std::size_t begin = 0;
  std::size_t end = 0;
  Status status = json_extent(text, args + kMistralArgs.size(), begin, end);
  if (status == Status::kIncomplete && !final) return {Status::kIncomplete, 0, {}};
  if (status != Status::kComplete) return {};
  std::optional<Json> value = parse_json(text.substr(begin, end - begin));
  if (!value) return {};
  CallParse result;
  result.calls.push_back({"", std::string(name), arguments_text(*value)});
  result.status = Status::kComplete;
  result.end = end;
  return result;
}

CallParse parse_deepseek_call(std::string_view text, std::size_t after, bool final) {
  std::size_t close = text.find(kDeepSeekCallEnd, after);
  if (close == std::string_view::npos) return final ? CallParse{} : CallParse{Status::kIncomplete, 0, {}};
  std::string_view inner = text.substr(after, close - after);
  std::size_t separator = inner.find(kDeepSeekSep);
  if (separator == std::string_view::npos) return {};
  std::string_view left = strip(inner.substr(0, separator));
  std::string_view right = inner.substr(separator + kDeepSeekSep.size());
  ToolCall call;
  std::string_view arguments;
  if (std::size_t fence = right.find("```json"); fence != std::string_view::npos) {
    // function<｜tool▁sep｜>name\n```json\n{...}\n```
    call.name = std::string(strip(right.substr(0, fence)));
    std::string_view body = right.substr(fence + 7);
    std::size_t fence_end = body.rfind("```");
    if (fence_end == std::string_view::npos) return {};
    arguments = strip(body.substr(0, fence_end));
  } else {
    call.name = std::string(left);
    arguments = strip(right);
  }
  if (call.name.empty() || call.name.find_first_of("{}\n") != std::string::npos) return {};
  std::optional<Json> value = parse_json(arguments);
  std::size_t begin = 0;
  std::size_t end = 0;
  if (json_extent(arguments, 0, begin, end) != Status::kComplete || !value) return {};
  call.arguments = arguments_text(*value);
  CallParse result;
  result.calls.push_back(std::move(call));
  result.status = Status::kComplete;
  result.end = close + kDeepSeekCallEnd.size();
  return result;
}

std::vector<std::string_view> markers_for(ToolCallFormat format) {
  switch (format) {
    case ToolCallFormat::kNone: return {};
    case ToolCallFormat::kHermes: return {kHermesOpen};
    case ToolCallFormat::kLlama3: return {kPythonTag};
    case ToolCallFormat::kMistral: return {kMistralCalls};
    case ToolCallFormat::kDeepSeek: return {kDeepSeekCallsBegin, kDeepSeekCallsEnd, kDeepSeekCallBegin};
    case ToolCallFormat::kAuto:
      return {kHermesOpen, kPythonTag, kMistralCalls, kDeepSeekCallsBegin, kDeepSeekCallsEnd, kDeepSeekCallBegin};
  }
  return {};
}

CallParse parse_at_marker(std::string_view text, std::size_t at, std::string_view marker, bool final) {
  std::size_t after = at + marker.size();
  if (marker == kHermesOpen) return parse_hermes(text, after, final);
  if (marker == kPythonTag) return parse_json_calls(text, after, final);
  if (marker == kMistralCalls) return parse_mistral(text, after, final);
  if (marker == kDeepSeekCallBegin) return parse_deepseek_call(text, after, final);
  return {Status::kComplete, after, {}};  // section begin/end markers carry no call
}

std::string make_id(std::size_t index, const ToolCall& call) {
  std::uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](std::string_view s) {
    for (char c : s) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
    hash ^= 0xFF;
    hash *= 1099511628211ULL;
  };
  mix(std::to_string(index));
  mix(call.name);
  mix(call.arguments);
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id;
  for (int i = 0; i < 9; ++i) {
    id.push_back(kAlphabet[hash % 62]);
    hash /= 62;
    if (hash == 0) hash = 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(i);
  }
  return id;
}

// Parses the whole text, or in streaming (final == false) only what is already unambiguous.
ParsedOutput scan(std::string_view text, const OutputParserOptions& options, bool final) {
  ParsedOutput out;
  std::size_t position = 0;
  bool in_reasoning = options.starts_in_reasoning;
  if (!in_reasoning && options.parse_reasoning) {
    std::string_view rest = lstrip(text);
    if (rest.substr(0, kThinkOpen.size()) == kThinkOpen) {
      in_reasoning = true;
      position = text.size() - rest.size() + kThinkOpen.size();
    } else if (!final && rest.size() < kThinkOpen.size() && kThinkOpen.substr(0, rest.size()) == rest) {
      return out;
    }
  }
  if (in_reasoning) {
    std::size_t close = text.find(kThinkClose, position);
    if (close == std::string_view::npos) {
      std::string_view visible = text.substr(position);
      if (!final) visible.remove_suffix(held_suffix(visible, {kThinkClose}));
      out.reasoning_content = std::string(strip(visible));
      return out;
    }
    out.reasoning_content = std::string(strip(text.substr(position, close - position)));
    position = close + kThinkClose.size();
  }

  std::vector<std::string_view> markers = markers_for(options.format);
  std::vector<std::string_view> segments;
  bool held = false;
  // Llama 3 may answer with a bare JSON call object.
  if (options.format == ToolCallFormat::kLlama3) {
    std::size_t start = text.size() - lstrip(text.substr(position)).size();
    if (start < text.size() && text[start] == '{') {
      CallParse parse = parse_json_calls(text, start, final);
      if (parse.status == Status::kIncomplete) {
        held = true;
        position = text.size();
      } else if (parse.status == Status::kComplete) {
        out.tool_calls = std::move(parse.calls);
        position = parse.end;
      }
    }
  }
  while (!held && position <= text.size()) {
    std::size_t found = std::string_view::npos;
    std::string_view marker;
    for (std::string_view candidate : markers) {
      std::size_t at = text.find(candidate, position);
      if (at < found) {
        found = at;
        marker = candidate;
      }
    }
    if (found == std::string_view::npos) {
      std::string_view rest = text.substr(position);
      if (!final) rest.remove_suffix(held_suffix(rest, markers));
      segments.push_back(rest);
      break;
    }
    segments.push_back(text.substr(position, found - position));
    CallParse parse = parse_at_marker(text, found, marker, final);
    if (parse.status == Status::kIncomplete) break;
    if (parse.status == Status::kMalformed) {
      // Degrade to content: the marker and what follows stay verbatim in the same text run.
      segments.back() = text.substr(position);
      break;
    }
    for (ToolCall& call : parse.calls) out.tool_calls.push_back(std::move(call));
    position = parse.end;
  }

  // Content: the text before the first call, then any non-blank text between or after calls.
  std::string content;
  bool has_calls = !out.tool_calls.empty();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i == 0) {
      content = std::string(lstrip(segments[0]));
      continue;
    }
    std::string_view piece = strip(segments[i]);
    if (piece.empty()) continue;
    content = std::string(rstrip(content));
    if (!content.empty()) content += "\n";
    content += piece;
  }
  if (has_calls || !final) content = std::string(rstrip(content));
  out.content = std::move(content);
  for (std::size_t i = 0; i < out.tool_calls.size(); ++i) out.tool_calls[i].id = make_id(i, out.tool_calls[i]);
  return out;
}

}  // namespace

ParsedOutput parse_model_output(std::string_view text, const OutputParserOptions& options) {
  return scan(text, options, true);
}

OutputDelta StreamingOutputParser::feed(std::string_view chunk) {
  if (finished_) return {};
  buffer_.append(chunk);
  return advance(false);
}

OutputDelta StreamingOutputParser::finish() {
  if (finished_) return {};
  OutputDelta delta = advance(true);
  finished_ = true;
  return delta;
}

OutputDelta StreamingOutputParser::advance(bool final) {
  ParsedOutput parsed = scan(buffer_, options_, final);
  OutputDelta delta;
  // Each partial result extends the previous one; the guards only protect against a broken invariant.
  if (parsed.content.size() > emitted_content_ && parsed.content.compare(0, emitted_content_, std::string_view(parsed.content).substr(0, emitted_content_)) == 0) {
    delta.content = parsed.content.substr(emitted_content_);
    emitted_content_ = parsed.content.size();
  }
  if (parsed.reasoning_content.size() > emitted_reasoning_) {
    delta.reasoning_content = parsed.reasoning_content.substr(emitted_reasoning_);
    emitted_reasoning_ = parsed.reasoning_content.size();
  }
  for (std::size_t i = emitted_calls_; i < parsed.tool_calls.size(); ++i) {
    const ToolCall& call = parsed.tool_calls[i];
    delta.tool_calls.push_back({i, call.id, call.name, call.arguments});
  }
  emitted_calls_ = std::max(emitted_calls_, parsed.tool_calls.size());
  return delta;
}

}  // namespace tessera::chat

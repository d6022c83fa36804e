// Model output → OpenAI-shaped message: reasoning (<think>...</think>) split from content, and tool
// calls in the formats the open model families emit:
//   Hermes / Qwen2.5 / Qwen3   <tool_call>{"name": ..., "arguments": {...}}</tool_call>
//   Llama 3.x                  <|python_tag|>{"name": ..., "parameters": {...}}, or a bare JSON object
//   Mistral                    [TOOL_CALLS][{"name": ..., "arguments": {...}}]  and  [TOOL_CALLS]name[ARGS]{...}
//   DeepSeek R1/V3             <｜tool▁call▁begin｜>function<｜tool▁sep｜>name\n```json\n{...}\n```<｜tool▁call▁end｜>
//   DeepSeek V3.1              <｜tool▁call▁begin｜>name<｜tool▁sep｜>{...}<｜tool▁call▁end｜>
// Malformed tool-call output degrades to plain content; nothing here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::chat {

enum class ToolCallFormat : std::uint8_t {
  kAuto,     // every marked format; a bare JSON object is not taken as a call
  kNone,     // no tool calls: everything outside reasoning is content
  kHermes,
  kLlama3,   // also takes a bare JSON object {"name", "parameters"} at the start of the output
  kMistral,
  kDeepSeek,
};

struct OutputParserOptions {
  ToolCallFormat format = ToolCallFormat::kAuto;
  bool parse_reasoning = true;       // split <think>...</think> off the start of the output
  bool starts_in_reasoning = false;  // the prompt already opened <think>
};

struct ToolCall {
  std::string id;         // deterministic: 9 alphanumerics from the call's index, name and arguments
  std::string name;
  std::string arguments;  // a JSON text, as OpenAI returns it
};

struct ParsedOutput {
  std::string content;
  std::string reasoning_content;
  std::vector<ToolCall> tool_calls;
};

ParsedOutput parse_model_output(std::string_view text, const OutputParserOptions& options = {});

struct ToolCallDelta {
  std::size_t index = 0;
  std::string id;
  std::string name;
  std::string arguments;
};

struct OutputDelta {
  std::string content;
  std::string reasoning_content;
  std::vector<ToolCallDelta> tool_calls;
  bool empty() const { return content.empty() && reasoning_content.empty() && tool_calls.empty(); }
};

// Incremental parser for streamed output. Text that might begin a marker (a tool-call tag, the end
// of reasoning) is held back until it is disambiguated; each tool call is delivered whole once its
// closing marker or JSON is complete. The deltas of feed() and finish() concatenate to
// parse_model_output() of the whole text.
class StreamingOutputParser {
 public:
  explicit StreamingOutputParser(OutputParserOptions options = {}) : options_(options) {}

  OutputDelta feed(std::string_view chunk);
  OutputDelta finish();

 private:
  OutputDelta advance(bool final);

  OutputParserOptions options_;
  std::string buffer_;
  std::size_t emitted_content_ = 0;
  std::size_t emitted_reasoning_ = 0;
  std::size_t emitted_calls_ = 0;
  bool finished_ = false;
};

}  // namespace tessera::chat

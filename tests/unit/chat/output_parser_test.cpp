// Model output → content, reasoning_content and tool calls, batch and streaming.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "chat/output_parser.h"

namespace tessera::chat {
namespace {

using Json = nlohmann::json;

OutputParserOptions with_format(ToolCallFormat format) {
  OutputParserOptions options;
  options.format = format;
  return options;
}

void expect_call(const ToolCall& call, const std::string& name, const Json& arguments) {
  EXPECT_EQ(call.name, name);
  EXPECT_EQ(Json::parse(call.arguments), arguments) << call.arguments;
  ASSERT_EQ(call.id.size(), 9u);
  for (char c : call.id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << call.id;
}

// Streams text in chunks of every size from 1 to 16 and checks the deltas add up to the batch result.
void expect_streaming_matches(const std::string& text, const OutputParserOptions& options) {
  ParsedOutput batch = parse_model_output(text, options);
  for (std::size_t chunk = 1; chunk <= 16; ++chunk) {
    StreamingOutputParser parser(options);
    ParsedOutput streamed;
    auto collect = [&](const OutputDelta& delta) {
      streamed.content += delta.content;
      streamed.reasoning_content += delta.reasoning_content;
      for (const ToolCallDelta& call : delta.tool_calls) {
        EXPECT_EQ(call.index, streamed.tool_calls.size());
        streamed.tool_calls.push_back({call.id, call.name, call.arguments});
      }
    };
    for (std::size_t i = 0; i < text.size(); i += chunk) collect(parser.feed(std::string_view(text).substr(i, chunk)));
    collect(parser.finish());
    SCOPED_TRACE("chunk size " + std::to_string(chunk));
    EXPECT_EQ(streamed.content, batch.content);
    EXPECT_EQ(streamed.reasoning_content, batch.reasoning_content);
    ASSERT_EQ(streamed.tool_calls.size(), batch.tool_calls.size());
    for (std::size_t i = 0; i < batch.tool_calls.size(); ++i) {
      EXPECT_EQ(streamed.tool_calls[i].id, batch.tool_calls[i].id);
      EXPECT_EQ(streamed.tool_calls[i].name, batch.tool_calls[i].name);
      EXPECT_EQ(streamed.tool_calls[i].arguments, batch.tool_calls[i].arguments);
    }
  }
}

TEST(OutputParser, PlainContent) {
  ParsedOutput out = parse_model_output("Hello there! [not a call] <b>bold</b> {\"name\": 1}");
  EXPECT_EQ(out.content, "Hello there! [not a call] <b>bold</b> {\"name\": 1}");
  EXPECT_TRUE(out.reasoning_content.empty());
  EXPECT_TRUE(out.tool_calls.empty());
}

TEST(OutputParser, ReasoningSplit) {
  ParsedOutput out = parse_model_output("<think>\nLet me think.\n</think>\n\nThe answer is 4.");
  EXPECT_EQ(out.reasoning_content, "Let me think.");
  EXPECT_EQ(out.content, "The answer is 4.");
}

TEST(OutputParser, ReasoningOpenedByThePrompt) {
  OutputParserOptions options;
  options.starts_in_reasoning = true;
  ParsedOutput out = parse_model_output("step one\nstep two\n</think>\n\nDone.", options);
  EXPECT_EQ(out.reasoning_content, "step one\nstep two");
  EXPECT_EQ(out.content, "Done.");
  ParsedOutput unfinished = parse_model_output("still thinking", options);
  EXPECT_EQ(unfinished.reasoning_content, "still thinking");
  EXPECT_EQ(unfinished.content, "");
}

TEST(OutputParser, HermesToolCalls) {
  ParsedOutput out = parse_model_output(
      "<think>need weather</think>\nChecking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
      "<tool_call>\n{\"name\": \"search_news\", \"arguments\": \"{\\\"query\\\": \\\"x\\\"}\"}\n</tool_call>");
  EXPECT_EQ(out.reasoning_content, "need weather");
  EXPECT_EQ(out.content, "Checking.");
  ASSERT_EQ(out.tool_calls.size(), 2u);
  expect_call(out.tool_calls[0], "get_weather", {{"city", "Paris"}});
  expect_call(out.tool_calls[1], "search_news", {{"query", "x"}});
  EXPECT_NE(out.tool_calls[0].id, out.tool_calls[1].id);
  EXPECT_EQ(parse_model_output("<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>").tool_calls[0].id,
            out.tool_calls[0].id);
}

TEST(OutputParser, Llama3ToolCalls) {
  ParsedOutput tagged = parse_model_output("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}");
  ASSERT_EQ(tagged.tool_calls.size(), 1u);
  expect_call(tagged.tool_calls[0], "get_weather", {{"city", "Oslo"}});
  EXPECT_EQ(tagged.content, "");
  ParsedOutput bare = parse_model_output("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\", \"days\": 3}}",
                                         with_format(ToolCallFormat::kLlama3));
  ASSERT_EQ(bare.tool_calls.size(), 1u);
  expect_call(bare.tool_calls[0], "get_weather", {{"city", "Rome"}, {"days", 3}});
  ParsedOutput not_a_call = parse_model_output("{\"answer\": 42}", with_format(ToolCallFormat::kLlama3));
  EXPECT_TRUE(not_a_call.tool_calls.empty());
  EXPECT_EQ(not_a_call.content, "{\"answer\": 42}");
}

TEST(OutputParser, MistralToolCalls) {
  ParsedOutput array = parse_model_output(
      "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lima\"}}, {\"name\": \"search_news\", \"arguments\": {\"query\": \"q\"}}]");
  ASSERT_EQ(array.tool_calls.size(), 2u);
  expect_call(array.tool_calls[0], "get_weather", {{"city", "Lima"}});
  expect_call(array.tool_calls[1], "search_news", {{"query", "q"}});
  ParsedOutput named = parse_model_output("[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Kyiv\"}[TOOL_CALLS]search_news[ARGS]{\"query\": \"z\"}");
  ASSERT_EQ(named.tool_calls.size(), 2u);
  expect_call(named.tool_calls[0], "get_weather", {{"city", "Kyiv"}});
  expect_call(named.tool_calls[1], "search_news", {{"query", "z"}});
  EXPECT_EQ(named.content, "");
}

TEST(OutputParser, DeepSeekToolCalls) {
  ParsedOutput r1 = parse_model_output(
      "Let me look.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Seoul\"}\n```"
      "<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>function<｜tool▁sep｜>search_news\n```json\n{\"query\": \"k\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>");
  EXPECT_EQ(r1.content, "Let me look.");
  ASSERT_EQ(r1.tool_calls.size(), 2u);
  expect_call(r1.tool_calls[0], "get_weather", {{"city", "Seoul"}});
  expect_call(r1.tool_calls[1], "search_news", {{"query", "k"}});
  ParsedOutput v31 = parse_model_output(
      "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Cairo\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>");
  ASSERT_EQ(v31.tool_calls.size(), 1u);
  expect_call(v31.tool_calls[0], "get_weather", {{"city", "Cairo"}});
}

TEST(OutputParser, MalformedCallsDegradeToContent) {
  const char* outputs[] = {
      "Sure <tool_call>{not json}</tool_call>",
      "<tool_call>{\"arguments\": {}}</tool_call>",
      "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}",
      "[TOOL_CALLS][{\"name\": \"f\"",
      "[TOOL_CALLS]bad name with spaces[ARGS]{}",
      "<｜tool▁call▁begin｜>f<｜tool▁sep｜>{oops}<｜tool▁call▁end｜>",
      "<|python_tag|>[[[[[[[[[[",
  };
  for (const char* text : outputs) {
    ParsedOutput out = parse_model_output(text);
    EXPECT_TRUE(out.tool_calls.empty()) << text;
    EXPECT_EQ(out.content, text);
    expect_streaming_matches(text, {});
  }
  std::string deep = "<tool_call>" + std::string(100000, '[') + "</tool_call>";
  EXPECT_EQ(parse_model_output(deep).content, deep);
}

TEST(OutputParser, StreamingHoldsBackPossibleMarkers) {
  StreamingOutputParser parser;
  EXPECT_EQ(parser.feed("Hello <tool").content, "Hello");
  OutputDelta delta = parser.feed("_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>");
  EXPECT_EQ(delta.content, "");
  ASSERT_EQ(delta.tool_calls.size(), 1u);
  EXPECT_EQ(delta.tool_calls[0].name, "f");
  EXPECT_EQ(delta.tool_calls[0].arguments, "{}");
  EXPECT_TRUE(parser.finish().empty());

  StreamingOutputParser plain;
  EXPECT_EQ(plain.feed("a <to").content, "a");
  EXPECT_EQ(plain.feed("p secret>").content, " <top secret>");
  EXPECT_TRUE(plain.finish().empty());

  StreamingOutputParser thinking;
  EXPECT_EQ(thinking.feed("<thi").reasoning_content, "");
  EXPECT_EQ(thinking.feed("nk>abc</th").reasoning_content, "abc");
  OutputDelta rest = thinking.feed("ink>answer");
  EXPECT_EQ(rest.reasoning_content, "");
  EXPECT_EQ(rest.content, "answer");
}

TEST(OutputParser, StreamingEqualsBatch) {
  const char* outputs[] = {
      "<think>\nplan\n</think>\n\nHello world, this is content.",
      "Checking.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": [1, 2]}}\n</tool_call>\n<tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>",
      "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"{}[]\\\"\"}",
      "[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {\"s\": \"]}\"}}]",
      "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\": 1}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
      "<|python_tag|>{\"name\": \"f\", \"parameters\": {\"q\": \"<tool_call>\"}}",
      "text with 你好 and emoji 🌍 <tool_call>{\"name\": \"f\", \"arguments\": {\"t\": \"🌍\"}}</tool_call> trailing words",
      "  leading space and trailing space  ",
  };
  for (const char* text : outputs) {
    SCOPED_TRACE(text);
    expect_streaming_matches(text, {});
  }
  OutputParserOptions reasoning;
  reasoning.starts_in_reasoning = true;
  expect_streaming_matches("thought </thi more</think>\n\nfinal <tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", reasoning);
  expect_streaming_matches("{\"name\": \"f\", \"parameters\": {\"a\": \"}\"}}", with_format(ToolCallFormat::kLlama3));
  expect_streaming_matches("{\"answer\": \"not a call\"}", with_format(ToolCallFormat::kLlama3));
}

TEST(OutputParser, FormatNoneKeepsEverythingAsContent) {
  ParsedOutput out = parse_model_output("<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", with_format(ToolCallFormat::kNone));
  EXPECT_TRUE(out.tool_calls.empty());
  EXPECT_EQ(out.content, "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>");
}

}  // namespace
}  // namespace tessera::chat

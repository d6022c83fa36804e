// libFuzzer harness: arbitrary bytes as a chat template (parsed and rendered under tight limits) and
// as model output (batch and streaming parsers). Nothing may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chat/chat_template.h"
#include "chat/output_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const tessera::chat::Context context = [] {
    tessera::chat::Context c;
    c.set("messages", nlohmann::ordered_json::parse(
                          R"([{"role":"system","content":"sys"},{"role":"user","content":"hi <|im_start|>"},
                              {"role":"assistant","content":"ok","tool_calls":[{"type":"function","function":{"name":"f","arguments":{"a":1}}}]},
                              {"role":"tool","content":"42"}])"));
    c.set("tools", nlohmann::ordered_json::parse(R"([{"type":"function","function":{"name":"f","parameters":{}}}])"));
    c.set("add_generation_prompt", true, true);
    c.set("bos_token", "<s>", true);
    c.set("eos_token", "</s>", true);
    return c;
  }();
  auto parsed = tessera::chat::ChatTemplate::parse(input);
  if (parsed.ok()) {
    tessera::chat::RenderOptions options;
    options.limits.max_steps = 200'000;
    options.limits.max_output_bytes = 1 << 20;
    options.limits.max_items = 1 << 16;
    std::tm date{};
    date.tm_year = 126;
    date.tm_mday = 15;
    options.now = date;
    (void)parsed->render_segments(context, options);
  }
  (void)tessera::chat::parse_model_output(input);
  tessera::chat::StreamingOutputParser stream;
  for (std::size_t i = 0; i < input.size(); i += 7) (void)stream.feed(input.substr(i, 7));
  (void)stream.finish();
  return 0;
}

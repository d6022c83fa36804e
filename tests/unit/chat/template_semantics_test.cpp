// One feature per case (loops, scoping, macros, whitespace control, operators, tests, filters,
// string/dict methods, sandbox refusals, limits, syntax errors) compared with Python jinja2's render
// recorded in tests/golden/chat/renders/snippets.json by generate_template_goldens.py.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "chat/chat_template.h"

namespace tessera::chat {
namespace {

using Json = nlohmann::ordered_json;
const std::filesystem::path kGoldenDir = std::filesystem::path(TESSERA_SOURCE_DIR) / "tests/golden/chat";

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Json::parse(buffer.str());
}

RenderOptions fixed_options() {
  RenderOptions options;
  std::tm date{};
  date.tm_year = 2026 - 1900;
  date.tm_mon = 0;
  date.tm_mday = 15;
  std::mktime(&date);
  options.now = date;
  return options;
}

TEST(ChatTemplateSemantics, MatchesJinja2Snippets) {
  Json spec = read_json(kGoldenDir / "snippets.json");
  Json rendered = read_json(kGoldenDir / "renders/snippets.json");
  Context context;
  context.set_all(spec["context"]);
  ASSERT_EQ(rendered["cases"].size(), spec["cases"].size()) << "regenerate renders/snippets.json";
  for (const auto& expected : rendered["cases"]) {
    const std::string source = expected["template"].get<std::string>();
    auto parsed = ChatTemplate::parse(source);
    Result<std::string> result = parsed.ok() ? parsed->render(context, fixed_options()) : Result<std::string>(parsed.error());
    if (expected.contains("error")) {
      EXPECT_FALSE(result.ok()) << source << "\njinja2 raised " << expected["error"] << " but Tessera rendered: "
                                << (result.ok() ? *result : "");
    } else if (!result.ok()) {
      ADD_FAILURE() << source << "\n" << result.error().to_string();
    } else {
      EXPECT_EQ(*result, expected["output"].get<std::string>()) << source;
    }
  }
}

Result<std::string> render(std::string_view source, const RenderOptions& options = fixed_options()) {
  auto parsed = ChatTemplate::parse(source);
  if (!parsed.ok()) return parsed.error();
  Context context;
  context.set("items", Json::array({1, 2, 3}));
  return parsed->render(context, options);
}

TEST(ChatTemplateErrors, CarryLineAndColumn) {
  auto syntax = ChatTemplate::parse("line one\n{{ 1 + }}");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().message().find("line 2, column 8"), std::string::npos) << syntax.error().message();
  auto runtime = render("a\nb {{ missing.attribute }}");
  ASSERT_FALSE(runtime.ok());
  EXPECT_NE(runtime.error().message().find("line 2, column 6"), std::string::npos) << runtime.error().message();
}

TEST(ChatTemplateLimits, StepBudgetStopsRunawayLoops) {
  RenderOptions options = fixed_options();
  options.limits.max_steps = 10'000;
  auto result = render("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}", options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("step budget"), std::string::npos);
}

TEST(ChatTemplateLimits, OutputSizeIsBounded) {
  RenderOptions options = fixed_options();
  options.limits.max_output_bytes = 1000;
  EXPECT_FALSE(render("{{ 'x' * 5000 }}", options).ok());
  EXPECT_FALSE(render("{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", options).ok());
  EXPECT_FALSE(render("{{ 'x' * 9223372036854775807 }}", options).ok());
  EXPECT_FALSE(render("{{ [1, 2] * 9223372036854775807 }}", options).ok());
}

TEST(ChatTemplateLimits, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  EXPECT_FALSE(render(deep).ok());
  std::string nested_ifs;
  for (int i = 0; i < 3000; ++i) nested_ifs += "{% if true %}";
  EXPECT_FALSE(render(nested_ifs).ok());
  EXPECT_FALSE(render("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}").ok());
}

TEST(ChatTemplateLimits, IntegerOverflowIsAnError) {
  EXPECT_FALSE(render("{{ 9223372036854775807 + 1 }}").ok());
  EXPECT_FALSE(render("{{ 2 ** 64 }}").ok());
  EXPECT_FALSE(render("{{ 99999999999999999999 }}").ok());
}

}  // namespace
}  // namespace tessera::chat

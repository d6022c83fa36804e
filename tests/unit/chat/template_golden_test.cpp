// Every real chat template in ../shared/data/templates (ollama's index included), rendered over the committed conversation
// corpus, must match Python jinja2's render byte for byte (or fail where jinja2 raised).
// Fixtures: tests/golden/chat/renders/*.json, written by generate_template_goldens.py.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "chat/chat_template.h"

namespace tessera::chat {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Json read_json(const fs::path& path) { return Json::parse(read_file(path)); }

std::tm fixed_date(const std::string& ymd) {
  std::tm time{};
  time.tm_year = std::stoi(ymd.substr(0, 4)) - 1900;
  time.tm_mon = std::stoi(ymd.substr(5, 2)) - 1;
  time.tm_mday = std::stoi(ymd.substr(8, 2));
  std::mktime(&time);  // fills in the weekday and day of year
  return time;
}

const fs::path kGoldenDir = fs::path(TESSERA_SOURCE_DIR) / "tests/golden/chat";
const fs::path kTemplateDir = fs::path(TESSERA_SHARED_DATA) / "templates";

// The template a fixture names: a .jinja file, the chat_template of a tokenizer_config.json, or
// `list.json#N`, the "template" of entry N of a JSON list (ollama's index).
std::string read_template(const std::string& relative) {
  const auto hash = relative.find('#');
  if (hash != std::string::npos) {
    Json entries = read_json(kTemplateDir / relative.substr(0, hash));
    return entries.at(std::stoul(relative.substr(hash + 1))).at("template").get<std::string>();
  }
  std::string source = read_file(kTemplateDir / relative);
  if (relative.ends_with(".json")) source = Json::parse(source)["chat_template"].get<std::string>();
  return source;
}

TEST(ChatTemplateGolden, MatchesJinja2OnAllTemplates) {
  if (!fs::exists(kTemplateDir)) GTEST_SKIP() << "shared test data not found at " << kTemplateDir;
  Json conversations = read_json(kGoldenDir / "conversations.json");
  Json tools = read_json(kGoldenDir / "tools.json");
  Json index = read_json(kGoldenDir / "renders/index.json");
  int passed = 0;
  int failed = 0;
  for (const auto& file_name : index) {
    Json fixture = read_json(kGoldenDir / "renders" / file_name.get<std::string>());
    std::string relative = fixture["template"].get<std::string>();
    std::string source = read_template(relative);
    auto parsed = ChatTemplate::parse(source);
    RenderOptions options;
    options.now = fixed_date(fixture["now"].get<std::string>());
    for (const auto& expected : fixture["cases"]) {
      const std::string id = expected["conversation"].get<std::string>();
      const Json* conversation = nullptr;
      for (const auto& c : conversations) {
        if (c["id"] == id) conversation = &c;
      }
      ASSERT_NE(conversation, nullptr) << id;
      Context context;
      context.set_all(fixture["special_tokens"], true);
      context.set("messages", (*conversation)["messages"]);
      context.set("tools", conversation->contains("tools") ? tools[(*conversation)["tools"].get<std::string>()] : Json());
      context.set("documents", conversation->contains("documents") ? (*conversation)["documents"] : Json());
      context.set("add_generation_prompt", (*conversation)["add_generation_prompt"], true);
      if (conversation->contains("enable_thinking")) context.set("enable_thinking", (*conversation)["enable_thinking"], true);
      std::string label = relative + " × " + id;
      Result<std::string> rendered = parsed.ok() ? parsed->render(context, options) : Result<std::string>(parsed.error());
      bool ok = false;
      if (expected.contains("error")) {
        ok = !rendered.ok();
        EXPECT_FALSE(rendered.ok()) << label << ": jinja2 raised " << expected["error"] << " but Tessera rendered:\n"
                                    << (rendered.ok() ? *rendered : "");
      } else {
        ok = rendered.ok() && *rendered == expected["output"].get<std::string>();
        if (!rendered.ok()) {
          ADD_FAILURE() << label << ": " << rendered.error().to_string();
        } else {
          EXPECT_EQ(*rendered, expected["output"].get<std::string>()) << label;
        }
      }
      (ok ? passed : failed) += 1;
    }
  }
  std::cout << "chat template golden cases: " << passed << " passed, " << failed << " failed\n";
}

}  // namespace
}  // namespace tessera::chat

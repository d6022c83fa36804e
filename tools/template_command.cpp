// `tessera template render FILE.jinja --context CONTEXT.json [--now YYYY-MM-DD]`: prints exactly what
// the chat template renders for the given variables, as Python jinja2 under transformers would.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "chat/chat_template.h"
#include "command.h"
#include "text_file.h"

namespace tessera::cli {
namespace {

struct TemplateRenderOptions {
  std::string template_path;
  std::string context_path;
  std::string now;
};

// The file's contents into `out`; false when it cannot be read (or is over the size bound).
bool read_text(const std::string& path, std::string& out) {
  auto contents = read_text_file(path);
  if (!contents.ok()) return false;
  out = std::move(contents.value());
  return true;
}

// Keeps an error on one line of stderr.
void report(const std::string& message) {
  std::string line = "error: ";
  for (char c : message) {
    if (c == '\n') {
      line += "\\n";
    } else if (c != '\r') {
      line.push_back(c);
    }
  }
  std::cerr << line << '\n';
}

bool parse_date(const std::string& text, std::tm& out) {
  int year = 0;
  int month = 0;
  int day = 0;
  char extra = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &extra) != 3) return false;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  out = std::tm{};
  out.tm_year = year - 1900;
  out.tm_mon = month - 1;
  out.tm_mday = day;
  out.tm_isdst = -1;
  std::tm normalized = out;
  if (std::mktime(&normalized) == static_cast<std::time_t>(-1)) return false;
  if (normalized.tm_mday != day) return false;  // 2026-02-31 and the like
  normalized.tm_hour = 0;
  normalized.tm_min = 0;
  normalized.tm_sec = 0;
  out = normalized;
  return true;
}

int run_render(const TemplateRenderOptions& options) {
  std::string source;
  if (!read_text(options.template_path, source)) {
    report(options.template_path + ": cannot read template file");
    return 1;
  }
  std::string context_text;
  if (!read_text(options.context_path, context_text)) {
    report(options.context_path + ": cannot read context file");
    return 1;
  }
  nlohmann::ordered_json context_json = nlohmann::ordered_json::parse(context_text, nullptr, false);
  if (context_json.is_discarded() || !context_json.is_object()) {
    report(options.context_path + ": the context must be a JSON object of template variables");
    return 1;
  }
  chat::RenderOptions render_options;
  if (!options.now.empty()) {
    std::tm date{};
    if (!parse_date(options.now, date)) {
      report("--now: expected a date as YYYY-MM-DD, got '" + options.now + "'");
      return 1;
    }
    render_options.now = date;
  }
  auto parsed = chat::ChatTemplate::parse(source);
  if (!parsed.ok()) {
    report(options.template_path + ": " + parsed.error().message());
    return 1;
  }
  chat::Context context;
  context.set_all(context_json);
  auto rendered = parsed->render(context, render_options);
  if (!rendered.ok()) {
    report(options.template_path + ": " + rendered.error().message());
    return 1;
  }
  std::cout << *rendered << std::flush;
  return 0;
}

}  // namespace

CommandRunner add_template_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand("template", "Work with chat templates");
  command->require_subcommand(1);
  CLI::App* render = command->add_subcommand("render", "Render a chat template (Jinja2, as Hugging Face transformers does)");
  auto options = std::make_shared<TemplateRenderOptions>();
  render->add_option("FILE", options->template_path, "Template file (.jinja)")->required();
  render->add_option("--context", options->context_path, "JSON object of template variables (messages, tools, bos_token, ...)")
      ->required();
  render->add_option("--now", options->now, "Date that strftime_now sees, YYYY-MM-DD (default: today)");
  return [options, render]() -> int {
    if (!render->parsed()) return 1;
    return run_render(*options);
  };
}

}  // namespace tessera::cli

// Python's text formats that templates reach: float repr, str repr, json.dumps, '%' formatting and
// str.format. Each matches CPython byte for byte on the inputs templates produce.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chat/value.h"

namespace tessera::chat {

std::string format_float(double value);         // repr(float)
std::string quote_string(std::string_view text);  // repr(str)

struct JsonOptions {
  bool ensure_ascii = false;
  bool has_indent = false;
  std::string indent;
  std::string item_separator = ", ";
  std::string key_separator = ": ";
  bool sort_keys = false;
};
// json.dumps(value); throws RenderError for values json cannot serialize.
std::string to_json(const Value& value, const JsonOptions& options);

// format % arguments (arguments is a tuple for several values).
std::string percent_format(const std::string& format, const Value& arguments);
// format.format(*positional, **keyword).
std::string brace_format(const std::string& format, const Arguments& arguments);

}  // namespace tessera::chat

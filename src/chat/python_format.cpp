#include "chat/python_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tessera::chat {

std::string format_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string text(buffer, result.ptr);
  std::string sign;
  if (!text.empty() && text[0] == '-') {
    sign = "-";
    text.erase(0, 1);
  }
  std::size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  int exponent = std::stoi(text.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int decimal_point = exponent + 1;
  std::string out = sign;
  if (decimal_point <= -4 || decimal_point > 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    int shown = decimal_point - 1;
    out += shown < 0 ? "e-" : "e+";
    std::string magnitude = std::to_string(shown < 0 ? -shown : shown);
    if (magnitude.size() < 2) magnitude = "0" + magnitude;
    return out + magnitude;
  }
  if (decimal_point <= 0) return out + "0." + std::string(static_cast<std::size_t>(-decimal_point), '0') + digits;
  auto point = static_cast<std::size_t>(decimal_point);
  if (point >= digits.size()) return out + digits + std::string(point - digits.size(), '0') + ".0";
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

static void append_hex_escape(std::string& out, char32_t c) {
  char buffer[16];
  if (c < 0x100) {
    std::snprintf(buffer, sizeof(buffer), "\\x%02x", static_cast<unsigned>(c));
  } else if (c < 0x10000) {
    std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned>(c));
  } else {
    std::snprintf(buffer, sizeof(buffer), "\\U%08x", static_cast<unsigned>(c));
  }
  out += buffer;
}

std::string quote_string(std::string_view text) {
  bool has_single = text.find('\'') != std::string_view::npos;
  bool has_double = text.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  std::size_t position = 0;
  while (position < text.size()) {
    char32_t c = decode_utf8(text, position);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      append_hex_escape(out, c);
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (is_python_printable(c)) {
      append_utf8(out, c);
    } else {
      append_hex_escape(out, c);
    }
  }
  out.push_back(quote);
  return out;
}

static void json_string(std::string_view text, bool ensure_ascii, std::string& out) {
  out.push_back('"');
  std::size_t position = 0;
  char buffer[16];
  while (position < text.size()) {
    char32_t c = decode_utf8(text, position);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else if (ensure_ascii && c >= 0x80) {
          if (c >= 0x10000) {
            char32_t v = c - 0x10000;
            std::snprintf(buffer, sizeof(buffer), "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 | (v >> 10)),
                          static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
          } else {
            std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned>(c));
          }
          out += buffer;
        } else {
          append_utf8(out, c);
        }
    }
  }
  out.push_back('"');
}

static std::string json_float(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  return format_float(value);
}

static void json_value(const Value& value, const JsonOptions& options, int level, std::string& out);

static void json_newline(const JsonOptions& options, int level, std::string& out) {
  out.push_back('\n');
  for (int i = 0; i < level; ++i) out += options.indent;
}

static std::string json_key(const Value& key, const JsonOptions& options) {
  std::string out;
  switch (key.kind()) {
    case ValueKind::kString: json_string(key.str(), options.ensure_ascii, out); return out;
    case ValueKind::kBool: return key.as_bool() ? "\"true\"" : "\"false\"";
    case ValueKind::kNone: return "\"null\"";
    case ValueKind::kInt: return "\"" + std::to_string(key.as_int()) + "\"";
    case ValueKind::kFloat: return "\"" + json_float(key.as_double()) + "\"";
    default: throw_error("keys must be str, int, float, bool or None, not " + type_name(key));
  }
}

static void json_value(const Value& value, const JsonOptions& options, int level, std::string& out) {
  if (level > 400) throw_error("maximum recursion depth exceeded while encoding a JSON object");
  switch (value.kind()) {
    case ValueKind::kNone: out += "null"; return;
    case ValueKind::kBool: out += value.as_bool() ? "true" : "false"; return;
    case ValueKind::kInt: out += std::to_string(value.as_int()); return;
    case ValueKind::kFloat: out += json_float(value.as_double()); return;
    case ValueKind::kString: json_string(value.str(), options.ensure_ascii, out); return;
    case ValueKind::kList: {
      if (!value.is_sequence()) break;
      const auto& items = value.items();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += options.item_separator;
        if (options.has_indent) json_newline(options, level + 1, out);
        json_value(items[i], options, level + 1, out);
      }
      if (options.has_indent) json_newline(options, level, out);
      out.push_back(']');
      return;
    }
    case ValueKind::kDict: {
      std::vector<const std::pair<Value, Value>*> entries;
      for (const auto& entry : value.dict_data().entries) entries.push_back(&entry);
      if (entries.empty()) {
        out += "{}";
        return;
      }
      if (options.sort_keys) {
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto* a, const auto* b) { return compare(a->first, b->first) < 0; });
      }
      out.push_back('{');
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += options.item_separator;
        if (options.has_indent) json_newline(options, level + 1, out);
        out += json_key(entries[i]->first, options);
        out += options.key_separator;
        json_value(entries[i]->second, options, level + 1, out);
      }
      if (options.has_indent) json_newline(options, level, out);
      out.push_back('}');
      return;
    }
    default: break;
  }
  throw_error("Object of type " + type_name(value) + " is not JSON serializable");
}

std::string to_json(const Value& value, const JsonOptions& options) {
  std::string out;
  json_value(value, options, 0, out);
  return out;
}

// A parsed format specification: [[fill]align][sign][#][0][width][,][.precision][type].
struct FormatSpec {
  char32_t fill = ' ';
  char align = 0;
  char sign = '-';
  bool alternate = false;
  bool zero = false;
  int width = -1;
  int precision = -1;
  char type = 0;
};

static std::string pad(std::string body, const FormatSpec& spec, char default_align) {
  if (spec.width < 0) return body;
  auto width = static_cast<std::size_t>(spec.width);
  std::size_t size = code_point_count(body);
  if (size >= width) return body;
  std::size_t missing = width - size;
  std::string fill;
  append_utf8(fill, spec.fill);
  char align = spec.align != 0 ? spec.align : default_align;
  auto repeat = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += fill;
    return s;
  };
  if (align == '<') return body + repeat(missing);
  if (align == '^') return repeat(missing / 2) + body + repeat(missing - missing / 2);
  if (align == '=' && !body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
    return body.substr(0, 1) + repeat(missing) + body.substr(1);
  }
  return repeat(missing) + body;
}

static std::string format_number(const Value& value, FormatSpec spec) {
  std::string body;
  char type = spec.type;
  bool negative = false;
  if (type == 0 && !value.is_float()) type = 'd';
  char buffer[512];
  if (type == 'd' || type == 'i' || type == 'u' || type == 'x' || type == 'X' || type == 'o' || type == 'c') {
    std::int64_t n = value.is_float() ? static_cast<std::int64_t>(value.as_double()) : value.as_int();
    if (type == 'c') {
      std::string s;
      append_utf8(s, static_cast<char32_t>(n));
      return pad(s, spec, '<');
    }
    negative = n < 0;
    std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
    const char* pattern = type == 'x' ? "%llx" : type == 'X' ? "%llX" : type == 'o' ? "%llo" : "%llu";
    std::snprintf(buffer, sizeof(buffer), pattern, static_cast<unsigned long long>(magnitude));
    body = buffer;
    if (spec.alternate && (type == 'x' || type == 'X' || type == 'o')) body = std::string("0") + type + body;
  } else {
    double d = value.as_double();
    negative = std::signbit(d) && !std::isnan(d);
    d = std::fabs(d);
    int precision = spec.precision < 0 ? 6 : std::min(spec.precision, 100);
    if (type == 0) {
      body = spec.precision < 0 ? format_float(d) : "";
      if (spec.precision >= 0) {
        std::snprintf(buffer, sizeof(buffer), "%.*g", precision, d);
        body = buffer;
      }
    } else if (type == '%') {
      std::snprintf(buffer, sizeof(buffer), "%.*f%%", precision, d * 100.0);
      body = buffer;
    } else if (std::string_view("eEfFgG").find(type) != std::string_view::npos) {
      char pattern[8] = {'%', '.', '*', type, 0};
      std::snprintf(buffer, sizeof(buffer), pattern, precision, d);
      body = buffer;
    } else {
      throw_error(std::string("Unknown format code '") + type + "'");
    }
  }
  std::string sign = negative ? "-" : (spec.sign == '+' ? "+" : (spec.sign == ' ' ? " " : ""));
  if (spec.zero && spec.align == 0) {
    spec.fill = '0';
    spec.align = '=';
  }
  return pad(sign + body, spec, '>');
}

static std::string apply_spec(const Value& value, const FormatSpec& spec) {
  if (value.is_number() && !(value.is_bool() && spec.type == 0)) return format_number(value, spec);
  if (spec.type != 0 && spec.type != 's') throw_error(std::string("Unknown format code '") + spec.type + "' for object of type '" + type_name(value) + "'");
  std::string text = to_text(value).str();
  if (spec.precision >= 0) {
    std::vector<std::size_t> offsets = code_point_offsets(text);
    if (static_cast<std::size_t>(spec.precision) + 1 < offsets.size()) text.resize(offsets[static_cast<std::size_t>(spec.precision)]);
  }
  return pad(text, spec, '<');
}

static FormatSpec parse_brace_spec(std::string_view spec) {
  FormatSpec result;
  std::size_t i = 0;
  std::vector<char32_t> cps = to_code_points(spec);
  auto is_align = [](char32_t c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (cps.size() >= 2 && is_align(cps[1])) {
    result.fill = cps[0];
    result.align = static_cast<char>(cps[1]);
    i = 2;
  } else if (!cps.empty() && is_align(cps[0])) {
    result.align = static_cast<char>(cps[0]);
    i = 1;
  }
  if (i < cps.size() && (cps[i] == '+' || cps[i] == '-' || cps[i] == ' ')) result.sign = static_cast<char>(cps[i++]);
  if (i < cps.size() && cps[i] == '#') result.alternate = true, ++i;
  if (i < cps.size() && cps[i] == '0') result.zero = true, ++i;
  while (i < cps.size() && cps[i] >= '0' && cps[i] <= '9') {
    result.width = std::max(result.width, 0) * 10 + static_cast<int>(cps[i++] - '0');
    if (result.width > 100000) throw_error("Too many decimal digits in format string");
  }
  if (i < cps.size() && (cps[i] == ',' || cps[i] == '_')) ++i;
  if (i < cps.size() && cps[i] == '.') {
    ++i;
    result.precision = 0;
    while (i < cps.size() && cps[i] >= '0' && cps[i] <= '9') {
      result.precision = result.precision * 10 + static_cast<int>(cps[i++] - '0');
      if (result.precision > 100000) throw_error("Too many decimal digits in format string");
    }
  }
  if (i < cps.size()) result.type = static_cast<char>(cps[i++]);
  if (i < cps.size()) throw_error("Invalid format specifier");
  return result;
}

std::string percent_format(const std::string& format, const Value& arguments) {
  std::vector<Value> values;
  const Dict* mapping = nullptr;
  if (arguments.is_list() && arguments.sequence_kind() == SequenceKind::kTuple) {
    values = arguments.items();
  } else {
    if (arguments.is_dict()) mapping = &arguments.dict_data();
    values.push_back(arguments);
  }
  std::size_t next = 0;
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out.push_back(format[i]);
      continue;
    }
    if (++i >= format.size()) throw_error("incomplete format");
    const Value* named = nullptr;
    if (format[i] == '(') {
      std::size_t close = format.find(')', i);
      if (close == std::string::npos || mapping == nullptr) throw_error("format requires a mapping");
      named = mapping->find(std::string_view(format).substr(i + 1, close - i - 1));
      if (named == nullptr) throw_error("KeyError: " + format.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    FormatSpec spec;
    for (; i < format.size() && std::string_view("-+ #0").find(format[i]) != std::string_view::npos; ++i) {
      if (format[i] == '-') spec.align = '<';
      if (format[i] == '+' || format[i] == ' ') spec.sign = format[i];
      if (format[i] == '#') spec.alternate = true;
      if (format[i] == '0') spec.zero = true;
    }
    for (; i < format.size() && format[i] >= '0' && format[i] <= '9'; ++i) {
      spec.width = std::max(spec.width, 0) * 10 + (format[i] - '0');
      if (spec.width > 100000) throw_error("width too big");
    }
    if (i < format.size() && format[i] == '.') {
      spec.precision = 0;
      for (++i; i < format.size() && format[i] >= '0' && format[i] <= '9'; ++i) {
        spec.precision = spec.precision * 10 + (format[i] - '0');
        if (spec.precision > 100000) throw_error("precision too big");
      }
    }
    if (i >= format.size()) throw_error("incomplete format");
    char type = format[i];
    if (type == '%') {
      out.push_back('%');
      continue;
    }
    const Value* argument = named;
    if (argument == nullptr) {
      if (next >= values.size()) throw_error("not enough arguments for format string");
      argument = &values[next++];
    }
    if (spec.align == '<') spec.zero = false;
    if (type == 's' || type == 'r' || type == 'a') {
      std::string text = type == 's' ? to_text(*argument).str() : repr(*argument);
      FormatSpec string_spec = spec;
      string_spec.align = spec.align == '<' ? '<' : '>';
      out += apply_spec(Value::string(text), string_spec);
    } else if (std::string_view("diouxXeEfFgGc").find(type) != std::string_view::npos) {
      if (!argument->is_number()) throw_error("%" + std::string(1, type) + " format: a real number is required, not " + type_name(*argument));
      spec.type = type == 'i' || type == 'u' ? 'd' : type;
      if (spec.align == 0) spec.align = spec.zero ? '=' : '>';
      if (spec.zero && spec.align == '=') spec.fill = '0';
      out += format_number(*argument, spec);
    } else {
      throw_error(std::string("unsupported format character '") + type + "'");
    }
  }
  if (mapping == nullptr && next < values.size()) throw_error("not all arguments converted during string formatting");
  return out;
}

std::string brace_format(const std::string& format, const Arguments& arguments) {
  std::string out;
  std::size_t automatic = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out.push_back('}');
        ++i;
        continue;
      }
      throw_error("Single '}' encountered in format string");
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    std::size_t close = format.find('}', i);
    if (close == std::string::npos) throw_error("expected '}' before end of string");
    std::string field = format.substr(i + 1, close - i - 1);
    i = close;
    std::string spec;
    char conversion = 0;
    if (std::size_t colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field.resize(colon);
    }
    if (std::size_t bang = field.find('!'); bang != std::string::npos) {
      conversion = bang + 1 < field.size() ? field[bang + 1] : 0;
      field.resize(bang);
    }
    std::size_t name_end = std::min(field.find('.'), field.find('['));
    std::string name = field.substr(0, name_end);
    Value value;
    if (name.empty()) {
      if (automatic >= arguments.positional.size()) throw_error("Replacement index out of range");
      value = arguments.positional[automatic++];
    } else if (std::all_of(name.begin(), name.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      std::size_t index = name.size() > 9 ? SIZE_MAX : std::stoul(name);
      if (index >= arguments.positional.size()) throw_error("Replacement index out of range");
      value = arguments.positional[index];
    } else {
      bool found = false;
      for (const auto& [k, v] : arguments.keyword) {
        if (k == name) value = v, found = true;
      }
      if (!found) throw_error("KeyError: '" + name + "'");
    }
    if (name_end != std::string::npos) throw_error("attribute access in format fields is not supported");
    if (conversion == 'r') value = Value::string(repr(value));
    if (conversion == 's') value = Value::string(to_text(value).str());
    out += apply_spec(value, parse_brace_spec(spec));
  }
  return out;
}

}  // namespace tessera::chat

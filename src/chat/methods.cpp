// Methods of str, dict and list that templates call (message.content.strip(), tool.get('x'), ...).
// Mutating list and dict methods are refused, as jinja2's ImmutableSandboxedEnvironment does.
#include <algorithm>

#include "chat/interpreter.h"
#include "chat/python_format.h"

namespace tessera::chat {
namespace {

using Method = Value (*)(Interpreter&, const Value&, Arguments&);

const std::string& string_argument(const Arguments& arguments, std::size_t index, std::string_view name, const char* method) {
  const Value* value = argument(arguments, index, name);
  if (value == nullptr) throw_error(std::string(method) + "() missing required argument '" + std::string(name) + "'");
  if (!value->is_string()) throw_error(std::string(method) + "() argument must be str, not " + type_name(*value));
  return value->str();
}

// Code-point set for strip(chars); empty optional means whitespace.
bool strip_this(char32_t c, const std::vector<char32_t>* chars) {
  if (chars == nullptr) return is_python_space(c);
  return std::find(chars->begin(), chars->end(), c) != chars->end();
}

Value strip_impl(const Value& self, Arguments& arguments, bool left, bool right) {
  const Value* chars_value = argument(arguments, 0, "chars");
  std::vector<char32_t> chars;
  const std::vector<char32_t>* set = nullptr;
  if (chars_value != nullptr && !chars_value->is_none()) {
    if (!chars_value->is_string()) throw_error("strip arg must be None or str");
    chars = to_code_points(chars_value->str());
    set = &chars;
  }
  const std::string& text = self.str();
  std::vector<std::size_t> offsets = code_point_offsets(text);
  std::size_t begin = 0;
  std::size_t end = offsets.size() - 1;
  auto at = [&](std::size_t i) {
    std::size_t position = offsets[i];
    return decode_utf8(text, position);
  };
  if (left) {
    while (begin < end && strip_this(at(begin), set)) ++begin;
  }
  if (right) {
    while (end > begin && strip_this(at(end - 1), set)) --end;
  }
  return Value::string(self.text().substr(offsets[begin], offsets[end]));
}

Value method_strip(Interpreter&, const Value& self, Arguments& a) { return strip_impl(self, a, true, true); }
Value method_lstrip(Interpreter&, const Value& self, Arguments& a) { return strip_impl(self, a, true, false); }
Value method_rstrip(Interpreter&, const Value& self, Arguments& a) { return strip_impl(self, a, false, true); }

std::int64_t max_split(const Arguments& arguments) {
  const Value* value = argument(arguments, 1, "maxsplit");
  if (value == nullptr) return -1;
  if (!value->is_int() && !value->is_bool()) throw_error("maxsplit must be an integer");
  return value->as_int();
}

Value split_impl(Interpreter& interpreter, const Value& self, Arguments& arguments, bool from_right) {
  const Value* separator = argument(arguments, 0, "sep");
  std::int64_t limit = max_split(arguments);
  const Text& text = self.text();
  const std::string& s = text.str();
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  if (separator == nullptr || separator->is_none()) {
    std::vector<std::size_t> offsets = code_point_offsets(s);
    std::size_t count = offsets.size() - 1;
    auto space = [&](std::size_t i) {
      std::size_t position = offsets[i];
      return is_python_space(decode_utf8(s, position));
    };
    if (!from_right) {
      std::size_t i = 0;
      while (i < count) {
        while (i < count && space(i)) ++i;
        if (i == count) break;
        if (limit >= 0 && static_cast<std::int64_t>(pieces.size()) == limit) {
          std::size_t end = count;
          while (end > i && space(end - 1)) --end;
          pieces.emplace_back(offsets[i], offsets[end]);
          break;
        }
        std::size_t j = i;
        while (j < count && !space(j)) ++j;
        pieces.emplace_back(offsets[i], offsets[j]);
        i = j;
      }
    } else {
      std::size_t i = count;
      while (i > 0) {
        while (i > 0 && space(i - 1)) --i;
        if (i == 0) break;
        if (limit >= 0 && static_cast<std::int64_t>(pieces.size()) == limit) {
          std::size_t begin = 0;
          while (begin < i && space(begin)) ++begin;
          pieces.emplace_back(offsets[begin], offsets[i]);
          break;
        }
        std::size_t j = i;
        while (j > 0 && !space(j - 1)) --j;
        pieces.emplace_back(offsets[j], offsets[i]);
        i = j;
      }
      std::reverse(pieces.begin(), pieces.end());
    }
  } else {
    if (!separator->is_string()) throw_error("must be str or None, not " + type_name(*separator));
    const std::string& sep = separator->str();
    if (sep.empty()) throw_error("empty separator");
    if (!from_right) {
      std::size_t start = 0;
      while (true) {
        std::size_t found = limit >= 0 && static_cast<std::int64_t>(pieces.size()) == limit ? std::string::npos : s.find(sep, start);
        if (found == std::string::npos) {
          pieces.emplace_back(start, s.size());
          break;
        }
        pieces.emplace_back(start, found);
        start = found + sep.size();
      }
    } else {
      std::size_t end = s.size();
      while (true) {
        std::size_t found = std::string::npos;
        if (!(limit >= 0 && static_cast<std::int64_t>(pieces.size()) == limit) && end >= sep.size()) {
          found = s.rfind(sep, end - sep.size());
        }
        if (found == std::string::npos) {
          pieces.emplace_back(0, end);
          break;
        }
        pieces.emplace_back(found + sep.size(), end);
        end = found;
      }
      std::reverse(pieces.begin(), pieces.end());
    }
  }
  interpreter.check_items(pieces.size());
  std::vector<Value> items;
  items.reserve(pieces.size());
  for (auto [begin, end] : pieces) items.push_back(Value::string(text.substr(begin, end)));
  return Value::list(std::move(items));
}

Value method_split(Interpreter& i, const Value& self, Arguments& a) { return split_impl(i, self, a, false); }
Value method_rsplit(Interpreter& i, const Value& self, Arguments& a) { return split_impl(i, self, a, true); }

Value method_splitlines(Interpreter&, const Value& self, Arguments& arguments) {
  const Value* keep = argument(arguments, 0, "keepends");
  bool keep_ends = keep != nullptr && truthy(*keep);
  const Text& text = self.text();
  const std::string& s = text.str();
  std::vector<Value> lines;
  std::size_t start = 0;
  std::size_t position = 0;
  while (position < s.size()) {
    std::size_t line_end = position;
    char32_t c = decode_utf8(s, position);
    bool boundary = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
                    c == 0x85 || c == 0x2028 || c == 0x2029;
    if (!boundary) continue;
    if (c == '\r' && position < s.size() && s[position] == '\n') ++position;
    lines.push_back(Value::string(text.substr(start, keep_ends ? position : line_end)));
    start = position;
  }
  if (start < s.size()) lines.push_back(Value::string(text.substr(start, s.size())));
  return Value::list(std::move(lines));
}

// Byte range of the optional [start, end] code-point arguments.
std::pair<std::size_t, std::size_t> byte_range(const std::string& s, const Arguments& arguments, std::size_t first) {
  std::vector<std::size_t> offsets = code_point_offsets(s);
  auto size = static_cast<std::int64_t>(offsets.size()) - 1;
  auto clamp = [&](const Value* v, std::int64_t fallback) {
    if (v == nullptr || v->is_none()) return fallback;
    std::int64_t i = v->as_int();
    if (i < 0) i = std::max<std::int64_t>(0, i + size);
    return std::min(i, size);
  };
  std::int64_t start = clamp(argument(arguments, first, "start"), 0);
  std::int64_t end = clamp(argument(arguments, first + 1, "end"), size);
  if (end < start) end = start;
  return {offsets[static_cast<std::size_t>(start)], offsets[static_cast<std::size_t>(end)]};
}

bool affix_matches(const Value& self, Arguments& arguments, bool prefix) {
  const Value* affix = argument(arguments, 0, "prefix");
  if (affix == nullptr) throw_error("startswith() takes at least 1 argument");
  auto [begin, end] = byte_range(self.str(), arguments, 1);
  std::string_view range = std::string_view(self.str()).substr(begin, end - begin);
  auto test = [&](const Value& candidate) {
    if (!candidate.is_string()) throw_error("startswith first arg must be str or a tuple of str, not " + type_name(candidate));
    const std::string& a = candidate.str();
    if (a.size() > range.size()) return false;
    return prefix ? range.substr(0, a.size()) == a : range.substr(range.size() - a.size()) == a;
  };
  if (affix->is_list() && affix->sequence_kind() == SequenceKind::kTuple) {
    for (const Value& candidate : affix->items()) {
      if (test(candidate)) return true;
    }
    return false;
  }
  return test(*affix);
}

Value method_startswith(Interpreter&, const Value& self, Arguments& a) { return Value::boolean(affix_matches(self, a, true)); }
Value method_endswith(Interpreter&, const Value& self, Arguments& a) { return Value::boolean(affix_matches(self, a, false)); }

Value method_replace(Interpreter& interpreter, const Value& self, Arguments& arguments) {
  const Value* old_value = argument(arguments, 0, "old");
  const Value* new_value = argument(arguments, 1, "new");
  if (old_value == nullptr || new_value == nullptr || !old_value->is_string() || !new_value->is_string()) {
    throw_error("replace() arguments must be str");
  }
  const Value* count_value = argument(arguments, 2, "count");
  std::int64_t count = count_value == nullptr ? -1 : count_value->as_int();
  const Text& text = self.text();
  const std::string& s = text.str();
  const std::string& old_text = old_value->str();
  Text out;
  std::int64_t done = 0;
  if (old_text.empty()) {
    std::vector<std::size_t> offsets = code_point_offsets(s);
    for (std::size_t i = 0; i + 1 < offsets.size() + 1; ++i) {
      if (count < 0 || done < count) {
        out.append(new_value->text());
        ++done;
      }
      if (i + 1 < offsets.size()) out.append(text.substr(offsets[i], offsets[i + 1]));
      interpreter.check_size(out.size());
    }
    return Value::string(std::move(out));
  }
  std::size_t start = 0;
  while (count < 0 || done < count) {
    std::size_t found = s.find(old_text, start);
    if (found == std::string::npos) break;
    out.append(text.substr(start, found));
    out.append(new_value->text());
    interpreter.check_size(out.size());
    start = found + old_text.size();
    ++done;
  }
  out.append(text.substr(start, s.size()));
  interpreter.check_size(out.size());
  return Value::string(std::move(out));
}

Value derived(const Value& self, std::string text) { return Value::string(std::move(text), self.text().any_tainted()); }

Value method_upper(Interpreter&, const Value& self, Arguments&) { return derived(self, upper_string(self.str())); }
Value method_lower(Interpreter&, const Value& self, Arguments&) { return derived(self, lower_string(self.str())); }

Value method_title(Interpreter&, const Value& self, Arguments&) {
  std::string out;
  bool previous_cased = false;
  for (char32_t c : to_code_points(self.str())) {
    append_utf8(out, previous_cased ? to_lower(c) : to_title(c));
    previous_cased = is_upper_case(c) || is_lower_case(c) || to_lower(c) != c || to_upper(c) != c;
  }
  return derived(self, std::move(out));
}

Value method_capitalize(Interpreter&, const Value& self, Arguments&) {
  std::vector<char32_t> cps = to_code_points(self.str());
  std::string out;
  for (std::size_t i = 0; i < cps.size(); ++i) append_utf8(out, i == 0 ? to_title(cps[i]) : to_lower(cps[i]));
  return derived(self, std::move(out));
}

Value method_swapcase(Interpreter&, const Value& self, Arguments&) {
  std::string out;
  for (char32_t c : to_code_points(self.str())) append_utf8(out, is_upper_case(c) ? to_lower(c) : to_upper(c));
  return derived(self, std::move(out));
}

Value method_format(Interpreter& interpreter, const Value& self, Arguments& arguments) {
  std::string out = brace_format(self.str(), arguments);
  interpreter.check_size(out.size());
  bool tainted = self.text().any_tainted();
  for (const Value& v : arguments.positional) tainted = tainted || contains_taint(v);
  for (const auto& [k, v] : arguments.keyword) tainted = tainted || contains_taint(v);
  return Value::string(std::move(out), tainted);
}

std::int64_t code_point_index(const std::string& s, std::size_t byte_offset) {
  return static_cast<std::int64_t>(code_point_count(std::string_view(s).substr(0, byte_offset)));
}

std::int64_t find_impl(const Value& self, Arguments& arguments, bool from_right) {
  const std::string& sub = string_argument(arguments, 0, "sub", "find");
  auto [begin, end] = byte_range(self.str(), arguments, 1);
  std::string_view range = std::string_view(self.str()).substr(begin, end - begin);
  std::size_t found = from_right ? range.rfind(sub) : range.find(sub);
  if (found == std::string_view::npos) return -1;
  return code_point_index(self.str(), begin + found);
}

Value method_find(Interpreter&, const Value& self, Arguments& a) { return Value::integer(find_impl(self, a, false)); }
Value method_rfind(Interpreter&, const Value& self, Arguments& a) { return Value::integer(find_impl(self, a, true)); }
Value method_index(Interpreter&, const Value& self, Arguments& a) {
  std::int64_t i = find_impl(self, a, false);
  if (i < 0) throw_error("substring not found");
  return Value::integer(i);
}
Value method_rindex(Interpreter&, const Value& self, Arguments& a) {
  std::int64_t i = find_impl(self, a, true);
  if (i < 0) throw_error("substring not found");
  return Value::integer(i);
}

Value method_count(Interpreter&, const Value& self, Arguments& arguments) {
  const std::string& sub = string_argument(arguments, 0, "sub", "count");
  auto [begin, end] = byte_range(self.str(), arguments, 1);
  std::string_view range = std::string_view(self.str()).substr(begin, end - begin);
  if (sub.empty()) return Value::integer(static_cast<std::int64_t>(code_point_count(range)) + 1);
  std::int64_t count = 0;
  for (std::size_t i = range.find(sub); i != std::string_view::npos; i = range.find(sub, i + sub.size())) ++count;
  return Value::integer(count);
}

Value method_join(Interpreter& interpreter, const Value& self, Arguments& arguments) {
  const Value* iterable = argument(arguments, 0, "iterable");
  if (iterable == nullptr) throw_error("join() takes exactly one argument");
  if (iterable->is_undefined()) throw_undefined(*iterable);
  Text out;
  bool first = true;
  for (const Value& item : iterate(*iterable)) {
    if (!item.is_string()) throw_error("sequence item: expected str instance, " + type_name(item) + " found");
    if (!first) out.append(self.text());
    first = false;
    out.append(item.text());
    interpreter.check_size(out.size());
  }
  return Value::string(std::move(out));
}

template <bool (*Predicate)(char32_t)>
Value all_characters(Interpreter&, const Value& self, Arguments&) {
  std::vector<char32_t> cps = to_code_points(self.str());
  if (cps.empty()) return Value::boolean(false);
  return Value::boolean(std::all_of(cps.begin(), cps.end(), Predicate));
}

Value case_check(const Value& self, bool want_upper) {
  bool cased = false;
  for (char32_t c : to_code_points(self.str())) {
    if (want_upper ? is_lower_case(c) : is_upper_case(c)) return Value::boolean(false);
    cased = cased || is_upper_case(c) || is_lower_case(c);
  }
  return Value::boolean(cased);
}
Value method_isupper(Interpreter&, const Value& self, Arguments&) { return case_check(self, true); }
Value method_islower(Interpreter&, const Value& self, Arguments&) { return case_check(self, false); }

Value justify(Interpreter& interpreter, const Value& self, Arguments& arguments, char align) {
  const Value* width_value = argument(arguments, 0, "width");
  if (width_value == nullptr || !(width_value->is_int() || width_value->is_bool())) throw_error("width must be an integer");
  const Value* fill_value = argument(arguments, 1, "fillchar");
  std::string fill = fill_value != nullptr && fill_value->is_string() ? fill_value->str() : " ";
  std::int64_t width = width_value->as_int();
  auto size = static_cast<std::int64_t>(code_point_count(self.str()));
  if (width <= size) return self;
  interpreter.check_size(static_cast<std::size_t>(width) * fill.size());
  auto missing = static_cast<std::size_t>(width - size);
  std::size_t left = align == '<' ? 0 : align == '>' ? missing : missing / 2 + (missing & static_cast<std::size_t>(width) & 1);
  Text out;
  for (std::size_t i = 0; i < left; ++i) out.append(fill, false);
  out.append(self.text());
  for (std::size_t i = left; i < missing; ++i) out.append(fill, false);
  return Value::string(std::move(out));
}
Value method_center(Interpreter& i, const Value& self, Arguments& a) { return justify(i, self, a, '^'); }
Value method_ljust(Interpreter& i, const Value& self, Arguments& a) { return justify(i, self, a, '<'); }
Value method_rjust(Interpreter& i, const Value& self, Arguments& a) { return justify(i, self, a, '>'); }

Value partition_impl(const Value& self, Arguments& arguments, bool from_right) {
  const std::string& sep = string_argument(arguments, 0, "sep", "partition");
  if (sep.empty()) throw_error("empty separator");
  const Text& text = self.text();
  std::size_t found = from_right ? text.str().rfind(sep) : text.str().find(sep);
  if (found == std::string::npos) {
    if (from_right) return Value::list({Value::string(std::string()), Value::string(std::string()), self}, SequenceKind::kTuple);
    return Value::list({self, Value::string(std::string()), Value::string(std::string())}, SequenceKind::kTuple);
  }
  return Value::list({Value::string(text.substr(0, found)), Value::string(text.substr(found, found + sep.size())),
                      Value::string(text.substr(found + sep.size(), text.size()))},
                     SequenceKind::kTuple);
}
Value method_partition(Interpreter&, const Value& self, Arguments& a) { return partition_impl(self, a, false); }
Value method_rpartition(Interpreter&, const Value& self, Arguments& a) { return partition_impl(self, a, true); }

Value method_removeprefix(Interpreter&, const Value& self, Arguments& arguments) {
  const std::string& prefix = string_argument(arguments, 0, "prefix", "removeprefix");
  if (self.str().compare(0, prefix.size(), prefix) == 0 && self.str().size() >= prefix.size()) {
    return Value::string(self.text().substr(prefix.size(), self.str().size()));
  }
  return self;
}
Value method_removesuffix(Interpreter&, const Value& self, Arguments& arguments) {
  const std::string& suffix = string_argument(arguments, 0, "suffix", "removesuffix");
  const std::string& s = self.str();
  if (!suffix.empty() && s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return Value::string(self.text().substr(0, s.size() - suffix.size()));
  }
  return self;
}

Value method_zfill(Interpreter& interpreter, const Value& self, Arguments& arguments) {
  const Value* width_value = argument(arguments, 0, "width");
  if (width_value == nullptr) throw_error("zfill() takes exactly one argument");
  std::int64_t width = width_value->as_int();
  const std::string& s = self.str();
  auto size = static_cast<std::int64_t>(code_point_count(s));
  if (width <= size) return self;
  interpreter.check_size(static_cast<std::size_t>(width));
  std::string zeros(static_cast<std::size_t>(width - size), '0');
  std::size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  return derived(self, s.substr(0, sign) + zeros + s.substr(sign));
}

// dict methods
Value method_items(Interpreter&, const Value& self, Arguments&) {
  std::vector<Value> items;
  for (const auto& [k, v] : self.dict_data().entries) items.push_back(Value::list({k, v}, SequenceKind::kTuple));
  return Value::list(std::move(items), SequenceKind::kView, "dict_items");
}
Value method_keys(Interpreter&, const Value& self, Arguments&) {
  std::vector<Value> items;
  for (const auto& entry : self.dict_data().entries) items.push_back(entry.first);
  return Value::list(std::move(items), SequenceKind::kView, "dict_keys");
}
Value method_values(Interpreter&, const Value& self, Arguments&) {
  std::vector<Value> items;
  for (const auto& entry : self.dict_data().entries) items.push_back(entry.second);
  return Value::list(std::move(items), SequenceKind::kView, "dict_values");
}
Value method_get(Interpreter&, const Value& self, Arguments& arguments) {
  const Value* key = argument(arguments, 0, "key");
  if (key == nullptr) throw_error("get expected at least 1 argument, got 0");
  if (const Value* found = self.dict_data().find(*key)) return *found;
  const Value* fallback = argument(arguments, 1, "default");
  return fallback != nullptr ? *fallback : Value::none();
}
Value method_dict_copy(Interpreter&, const Value& self, Arguments&) { return Value::dict(self.dict_data().entries); }

// list and tuple methods
Value method_list_count(Interpreter&, const Value& self, Arguments& arguments) {
  const Value* item = argument(arguments, 0, "value");
  if (item == nullptr) throw_error("count() takes exactly one argument");
  std::int64_t count = 0;
  for (const Value& element : self.items()) count += equals(element, *item) ? 1 : 0;
  return Value::integer(count);
}
Value method_list_index(Interpreter&, const Value& self, Arguments& arguments) {
  const Value* item = argument(arguments, 0, "value");
  if (item == nullptr) throw_error("index() takes at least 1 argument");
  for (std::size_t i = 0; i < self.items().size(); ++i) {
    if (equals(self.items()[i], *item)) return Value::integer(static_cast<std::int64_t>(i));
  }
  throw_error(repr(*item) + " is not in list");
}
Value method_list_copy(Interpreter&, const Value& self, Arguments&) { return Value::list(self.items()); }

struct MethodEntry {
  std::string_view name;
  Method method;
};

constexpr MethodEntry kStringMethods[] = {
    {"strip", method_strip}, {"lstrip", method_lstrip}, {"rstrip", method_rstrip}, {"split", method_split},
    {"rsplit", method_rsplit}, {"splitlines", method_splitlines}, {"startswith", method_startswith},
    {"endswith", method_endswith}, {"replace", method_replace}, {"upper", method_upper}, {"lower", method_lower},
    {"casefold", method_lower}, {"title", method_title}, {"capitalize", method_capitalize},
    {"swapcase", method_swapcase}, {"format", method_format}, {"find", method_find}, {"rfind", method_rfind},
    {"index", method_index}, {"rindex", method_rindex}, {"count", method_count}, {"join", method_join},
    {"isdigit", all_characters<is_python_digit>}, {"isdecimal", all_characters<is_python_digit>},
    {"isnumeric", all_characters<is_python_digit>}, {"isalpha", all_characters<is_python_alpha>},
    {"isalnum", all_characters<is_python_alnum>}, {"isspace", all_characters<is_python_space>},
    {"isupper", method_isupper}, {"islower", method_islower}, {"center", method_center}, {"ljust", method_ljust},
    {"rjust", method_rjust}, {"partition", method_partition}, {"rpartition", method_rpartition},
    {"removeprefix", method_removeprefix}, {"removesuffix", method_removesuffix}, {"zfill", method_zfill},
};
constexpr MethodEntry kDictMethods[] = {
    {"items", method_items}, {"keys", method_keys}, {"values", method_values}, {"get", method_get},
    {"copy", method_dict_copy},
};
constexpr MethodEntry kListMethods[] = {
    {"count", method_list_count}, {"index", method_list_index}, {"copy", method_list_copy},
};
constexpr std::string_view kUnsafeDictMethods[] = {"clear", "pop", "popitem", "setdefault", "update"};
constexpr std::string_view kUnsafeListMethods[] = {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"};
constexpr std::string_view kOtherStringAttributes[] = {"encode", "expandtabs", "isascii", "isidentifier", "isprintable", "istitle", "maketrans", "translate"};

template <std::size_t N>
bool lookup(const MethodEntry (&table)[N], const Value& receiver, std::string_view name, Value& method) {
  for (const MethodEntry& entry : table) {
    if (entry.name == name) {
      Method function = entry.method;
      std::string label(name);
      method = Value::callable(label, [receiver, function](Interpreter& interpreter, Arguments& arguments) {
        return function(interpreter, receiver, arguments);
      });
      return true;
    }
  }
  return false;
}

template <std::size_t N>
bool contains_name(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

Value unsafe(const Value& receiver, std::string_view name) {
  return Value::undefined("access to attribute '" + std::string(name) + "' of '" + type_name(receiver) + "' object is unsafe.", true);
}

}  // namespace

bool find_method(const Value& receiver, std::string_view name, Value& method) {
  switch (receiver.kind()) {
    case ValueKind::kString:
      if (lookup(kStringMethods, receiver, name, method)) return true;
      if (contains_name(kOtherStringAttributes, name)) {
        method = Value::undefined("str method '" + std::string(name) + "' is not supported");
        return true;
      }
      return false;
    case ValueKind::kDict:
      if (lookup(kDictMethods, receiver, name, method)) return true;
      if (contains_name(kUnsafeDictMethods, name)) {
        method = unsafe(receiver, name);
        return true;
      }
      return false;
    case ValueKind::kList:
      if (!receiver.is_sequence()) return false;
      if (lookup(kListMethods, receiver, name, method)) return true;
      if (receiver.sequence_kind() == SequenceKind::kList && contains_name(kUnsafeListMethods, name)) {
        method = unsafe(receiver, name);
        return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace tessera::chat

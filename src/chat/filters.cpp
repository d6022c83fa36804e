// jinja2's built-in filters, with tojson replaced by Hugging Face's json.dumps-based version.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "chat/interpreter.h"
#include "chat/python_format.h"

namespace tessera::chat {
namespace {

using Filter = Value (*)(Interpreter&, const Value&, Arguments&);

const Value* arg(const Arguments& a, std::size_t i, std::string_view name) { return argument(a, i, name); }

Value soft_string(const Value& value) { return value.is_string() ? value : Value::string(to_text(value)); }

Value call_string_method(Interpreter& interpreter, const Value& receiver, std::string_view name, Arguments& arguments) {
  Value method;
  find_method(receiver, name, method);
  return interpreter.call(method, arguments);
}

// jinja2's make_attrgetter: dotted path, digits as integer indexes, each step an item lookup.
Value lookup_path(Interpreter& interpreter, const Value& item, const Value& attribute) {
  if (!attribute.is_string()) return interpreter.get_item(item, attribute);
  Value current = item;
  const std::string& path = attribute.str();
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    current = digits && part.size() < 18 ? interpreter.get_item(current, Value::integer(std::stoll(part)))
                                         : interpreter.get_item(current, Value::string(part));
    if (dot == std::string::npos) return current;
    start = dot + 1;
  }
}

Value lower_if_string(const Value& value) {
  return value.is_string() ? Value::string(lower_string(value.str())) : value;
}

Value filter_abs(Interpreter&, const Value& v, Arguments&) {
  if (v.is_float()) return Value::floating(std::fabs(v.as_double()));
  if (v.is_int() || v.is_bool()) {
    if (v.as_int() == INT64_MIN) throw_error("integer overflow");
    return Value::integer(std::llabs(v.as_int()));
  }
  if (v.is_undefined()) throw_undefined(v);
  throw_error("bad operand type for abs(): '" + type_name(v) + "'");
}

Value filter_attr(Interpreter& i, const Value& v, Arguments& a) {
  const Value* name = arg(a, 0, "name");
  if (name == nullptr || !name->is_string()) return Value::undefined("attr requires a name");
  return i.get_attribute(v, name->str());
}

Value filter_batch(Interpreter&, const Value& v, Arguments& a) {
  const Value* count_value = arg(a, 0, "linecount");
  if (count_value == nullptr || !count_value->is_number()) throw_error("batch requires a count");
  std::int64_t count = count_value->as_int();
  if (count <= 0) throw_error("batch count must be positive");
  const Value* fill = arg(a, 1, "fill_with");
  std::vector<Value> batches;
  std::vector<Value> current;
  for (const Value& item : iterate(v)) {
    current.push_back(item);
    if (static_cast<std::int64_t>(current.size()) == count) {
      batches.push_back(Value::list(std::move(current)));
      current.clear();
    }
  }
  if (!current.empty()) {
    if (fill != nullptr && !fill->is_none()) {
      while (static_cast<std::int64_t>(current.size()) < count) current.push_back(*fill);
    }
    batches.push_back(Value::list(std::move(current)));
  }
  return Value::list(std::move(batches), SequenceKind::kGenerator);
}

Value filter_capitalize(Interpreter& i, const Value& v, Arguments&) {
  Arguments none;
  return call_string_method(i, soft_string(v), "capitalize", none);
}

Value filter_center(Interpreter& i, const Value& v, Arguments& a) {
  Arguments arguments;
  const Value* width = arg(a, 0, "width");
  arguments.positional.push_back(width != nullptr ? *width : Value::integer(80));
  return call_string_method(i, soft_string(v), "center", arguments);
}

Value filter_default(Interpreter&, const Value& v, Arguments& a) {
  const Value* fallback = arg(a, 0, "default_value");
  const Value* boolean = arg(a, 1, "boolean");
  bool use_default = v.is_undefined() || (boolean != nullptr && truthy(*boolean) && !truthy(v));
  if (!use_default) return v;
  return fallback != nullptr ? *fallback : Value::string(std::string());
}

Value filter_dictsort(Interpreter&, const Value& v, Arguments& a) {
  if (!v.is_dict()) throw_error("dictsort requires a mapping");
  const Value* case_sensitive = arg(a, 0, "case_sensitive");
  const Value* by = arg(a, 1, "by");
  const Value* reverse = arg(a, 2, "reverse");
  std::size_t position = 0;
  if (by != nullptr) {
    if (!by->is_string() || (by->str() != "key" && by->str() != "value")) throw_error("You can only sort by either \"key\" or \"value\"");
    position = by->str() == "value" ? 1 : 0;
  }
  bool sensitive = case_sensitive != nullptr && truthy(*case_sensitive);
  std::vector<std::pair<Value, Value>> entries = v.dict_data().entries;
  auto key = [&](const std::pair<Value, Value>& e) {
    const Value& k = position == 0 ? e.first : e.second;
    return sensitive ? k : lower_if_string(k);
  };
  bool descending = reverse != nullptr && truthy(*reverse);
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
    return descending ? compare(key(y), key(x)) < 0 : compare(key(x), key(y)) < 0;
  });
  std::vector<Value> items;
  for (auto& [k, value] : entries) items.push_back(Value::list({k, value}, SequenceKind::kTuple));
  return Value::list(std::move(items));
}

Value filter_escape(Interpreter&, const Value& v, Arguments&) { return escape_html(v); }

Value filter_forceescape(Interpreter&, const Value& v, Arguments&) {
  return escape_html(v.is_markup() ? Value::string(v.text()) : v);
}

Value filter_first(Interpreter&, const Value& v, Arguments&) {
  if (v.is_undefined()) return Value::undefined("No first item, sequence was empty.");
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

Value filter_last(Interpreter&, const Value& v, Arguments&) {
  if (v.is_list() && v.sequence_kind() == SequenceKind::kGenerator) throw_error("'generator' object is not reversible");
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

// Python float(str) for the strings int() and float() filters accept.
bool parse_python_float(const std::string& raw, double& out) {
  std::string s;
  for (char c : raw) {
    if (c != '_') s.push_back(c);
  }
  std::size_t begin = s.find_first_not_of(" \t\n\r\f\v");
  if (begin == std::string::npos) return false;
  std::size_t end = s.find_last_not_of(" \t\n\r\f\v");
  s = s.substr(begin, end - begin + 1);
  std::string lowered = lower_string(s);
  std::string body = lowered[0] == '-' || lowered[0] == '+' ? lowered.substr(1) : lowered;
  double sign = lowered[0] == '-' ? -1.0 : 1.0;
  if (body == "inf" || body == "infinity") return out = sign * INFINITY, true;
  if (body == "nan") return out = NAN, true;
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '+' || c == '-')) return false;
  }
  char* parse_end = nullptr;
  out = std::strtod(s.c_str(), &parse_end);
  return parse_end == s.c_str() + s.size();
}

bool parse_python_int(const std::string& raw, int base, std::int64_t& out) {
  std::size_t begin = raw.find_first_not_of(" \t\n\r\f\v");
  if (begin == std::string::npos) return false;
  std::size_t end = raw.find_last_not_of(" \t\n\r\f\v");
  std::string s = raw.substr(begin, end - begin + 1);
  bool negative = false;
  std::size_t i = 0;
  if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
  if (base == 0) base = 10;
  if (i + 1 < s.size() && s[i] == '0') {
    char p = static_cast<char>(s[i + 1] | 0x20);
    if ((p == 'x' && base == 16) || (p == 'o' && base == 8) || (p == 'b' && base == 2)) i += 2;
  }
  if (i >= s.size() || s[i] == '_') return false;
  std::int64_t value = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '_' && i + 1 < s.size() && s[i + 1] != '_') continue;
    char d = static_cast<char>(s[i] | 0x20);
    int digit = d >= '0' && d <= '9' ? d - '0' : (d >= 'a' && d <= 'z' ? d - 'a' + 10 : 99);
    if (digit >= base) return false;
    if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, digit, &value)) return false;
  }
  out = negative ? -value : value;
  return true;
}

Value filter_float(Interpreter&, const Value& v, Arguments& a) {
  const Value* fallback = arg(a, 0, "default");
  Value def = fallback != nullptr ? *fallback : Value::floating(0.0);
  if (v.is_number()) return Value::floating(v.as_double());
  double parsed = 0;
  if (v.is_string() && parse_python_float(v.str(), parsed)) return Value::floating(parsed);
  return def;
}

Value filter_int(Interpreter&, const Value& v, Arguments& a) {
  const Value* fallback = arg(a, 0, "default");
  const Value* base_value = arg(a, 1, "base");
  Value def = fallback != nullptr ? *fallback : Value::integer(0);
  int base = base_value != nullptr && base_value->is_int() ? static_cast<int>(base_value->as_int()) : 10;
  if (v.is_int() || v.is_bool()) return Value::integer(v.as_int());
  if (v.is_float()) {
    double d = v.as_double();
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return def;
    return Value::integer(static_cast<std::int64_t>(d));
  }
  if (v.is_string()) {
    std::int64_t parsed = 0;
    if (base >= 2 && base <= 36 && parse_python_int(v.str(), base, parsed)) return Value::integer(parsed);
    double d = 0;
    if (parse_python_float(v.str(), d) && std::isfinite(d) && std::fabs(d) < 9.2e18) return Value::integer(static_cast<std::int64_t>(d));
  }
  return def;
}

Value filter_format(Interpreter& i, const Value& v, Arguments& a) {
  if (!a.positional.empty() && !a.keyword.empty()) throw_error("can't handle positional and keyword arguments at the same time");
  Value arguments;
  if (!a.keyword.empty()) {
    std::vector<std::pair<Value, Value>> entries;
    for (auto& [k, value] : a.keyword) entries.emplace_back(Value::string(k), value);
    arguments = Value::dict(std::move(entries));
  } else {
    arguments = Value::list(a.positional, SequenceKind::kTuple);
  }
  return i.binary("%", soft_string(v), arguments);
}

Value filter_indent(Interpreter& interpreter, const Value& v, Arguments& a) {
  const Value* width = arg(a, 0, "width");
  const Value* first = arg(a, 1, "first");
  const Value* blank = arg(a, 2, "blank");
  Text indentation;
  if (width != nullptr && width->is_string()) {
    indentation = width->text();
  } else {
    std::int64_t n = width != nullptr ? width->as_int() : 4;
    interpreter.check_size(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    indentation = Text(std::string(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)), ' '));
  }
  Text source = to_text(v);
  source.append("\n", false);
  Arguments none;
  Value lines_value = call_string_method(interpreter, Value::string(source), "splitlines", none);
  const std::vector<Value>& lines = lines_value.items();
  Text out;
  if (blank != nullptr && truthy(*blank)) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) {
        out.append("\n", false);
        out.append(indentation);
      }
      out.append(lines[i].text());
      interpreter.check_size(out.size());
    }
  } else if (!lines.empty()) {
    out.append(lines[0].text());
    for (std::size_t i = 1; i < lines.size(); ++i) {
      out.append("\n", false);
      if (!lines[i].str().empty()) out.append(indentation);
      out.append(lines[i].text());
      interpreter.check_size(out.size());
    }
  }
  if (first != nullptr && truthy(*first)) {
    Text prefixed = indentation;
    prefixed.append(out);
    out = std::move(prefixed);
  }
  return Value::string(std::move(out));
}

Value filter_items(Interpreter&, const Value& v, Arguments&) {
  if (v.is_undefined()) return Value::list({}, SequenceKind::kGenerator);
  if (!v.is_dict()) throw_error("Can only get item pairs from a mapping.");
  std::vector<Value> items;
  for (const auto& [k, value] : v.dict_data().entries) items.push_back(Value::list({k, value}, SequenceKind::kTuple));
  return Value::list(std::move(items), SequenceKind::kGenerator);
}

Value filter_join(Interpreter& interpreter, const Value& v, Arguments& a) {
  const Value* separator = arg(a, 0, "d");
  const Value* attribute = arg(a, 1, "attribute");
  Text sep = separator != nullptr ? to_text(*separator) : Text();
  Text out;
  bool first = true;
  for (const Value& item : iterate(v)) {
    if (!first) out.append(sep);
    first = false;
    out.append(to_text(attribute != nullptr && !attribute->is_none() ? lookup_path(interpreter, item, *attribute) : item));
    interpreter.check_size(out.size());
  }
  return Value::string(std::move(out));
}

Value filter_length(Interpreter&, const Value& v, Arguments&) { return Value::integer(length(v)); }

Value filter_list(Interpreter&, const Value& v, Arguments&) { return Value::list(iterate(v)); }

Value filter_lower(Interpreter& i, const Value& v, Arguments&) {
  Arguments none;
  return call_string_method(i, soft_string(v), "lower", none);
}
Value filter_upper(Interpreter& i, const Value& v, Arguments&) {
  Arguments none;
  return call_string_method(i, soft_string(v), "upper", none);
}

Value filter_map(Interpreter& interpreter, const Value& v, Arguments& a) {
  std::vector<Value> out;
  if (!truthy(v)) return Value::list({}, SequenceKind::kGenerator);
  if (a.positional.empty()) {
    const Value* attribute = nullptr;
    const Value* fallback = nullptr;
    for (const auto& [k, value] : a.keyword) {
      if (k == "attribute") attribute = &value;
      else if (k == "default") fallback = &value;
      else throw_error("Unexpected keyword argument '" + k + "'");
    }
    if (attribute == nullptr) throw_error("map requires a filter argument");
    for (const Value& item : iterate(v)) {
      Value result = lookup_path(interpreter, item, *attribute);
      if (fallback != nullptr && !fallback->is_none() && result.is_undefined()) result = *fallback;
      out.push_back(std::move(result));
    }
  } else {
    if (!a.positional[0].is_string()) throw_error("map filter name must be a string");
    std::string name = a.positional[0].str();
    Arguments rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keyword = a.keyword;
    for (const Value& item : iterate(v)) {
      Arguments copy = rest;
      out.push_back(interpreter.apply_filter(name, item, copy));
    }
  }
  return Value::list(std::move(out), SequenceKind::kGenerator);
}

Value select_common(Interpreter& interpreter, const Value& v, Arguments& a, bool attribute_mode, bool keep_when) {
  if (!truthy(v)) return Value::list({}, SequenceKind::kGenerator);
  std::size_t offset = 0;
  const Value* attribute = nullptr;
  if (attribute_mode) {
    if (a.positional.empty()) throw_error("Missing parameter for attribute name");
    attribute = &a.positional[0];
    offset = 1;
  }
  std::string test;
  Arguments rest;
  bool has_test = a.positional.size() > offset;
  if (has_test) {
    if (!a.positional[offset].is_string()) throw_error("test name must be a string");
    test = a.positional[offset].str();
    rest.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(offset) + 1, a.positional.end());
    rest.keyword = a.keyword;
  }
  std::vector<Value> out;
  for (const Value& item : iterate(v)) {
    Value subject = attribute != nullptr ? lookup_path(interpreter, item, *attribute) : item;
    bool result = false;
    if (has_test) {
      Arguments copy = rest;
      result = interpreter.apply_test(test, subject, copy);
    } else {
      result = truthy(subject);
    }
    if (result == keep_when) out.push_back(item);
  }
  return Value::list(std::move(out), SequenceKind::kGenerator);
}

Value filter_select(Interpreter& i, const Value& v, Arguments& a) { return select_common(i, v, a, false, true); }
Value filter_reject(Interpreter& i, const Value& v, Arguments& a) { return select_common(i, v, a, false, false); }
Value filter_selectattr(Interpreter& i, const Value& v, Arguments& a) { return select_common(i, v, a, true, true); }
Value filter_rejectattr(Interpreter& i, const Value& v, Arguments& a) { return select_common(i, v, a, true, false); }

Value extreme(Interpreter& interpreter, const Value& v, Arguments& a, bool want_max) {
  const Value* case_sensitive = arg(a, 0, "case_sensitive");
  const Value* attribute = arg(a, 1, "attribute");
  bool sensitive = case_sensitive != nullptr && truthy(*case_sensitive);
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined(std::string("No aggregated item, sequence was empty."));
  auto key = [&](const Value& item) {
    Value k = attribute != nullptr && !attribute->is_none() ? lookup_path(interpreter, item, *attribute) : item;
    return sensitive ? k : lower_if_string(k);
  };
  std::size_t best = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    int c = compare(key(items[i]), key(items[best]));
    if (want_max ? c > 0 : c < 0) best = i;
  }
  return items[best];
}
Value filter_max(Interpreter& i, const Value& v, Arguments& a) { return extreme(i, v, a, true); }
Value filter_min(Interpreter& i, const Value& v, Arguments& a) { return extreme(i, v, a, false); }

Value filter_replace(Interpreter& i, const Value& v, Arguments& a) {
  const Value* old_value = arg(a, 0, "old");
  const Value* new_value = arg(a, 1, "new");
  const Value* count = arg(a, 2, "count");
  if (old_value == nullptr || new_value == nullptr) throw_error("replace() missing required arguments");
  Arguments arguments;
  arguments.positional = {soft_string(*old_value), soft_string(*new_value)};
  if (count != nullptr && !count->is_none()) arguments.positional.push_back(*count);
  return call_string_method(i, soft_string(v), "replace", arguments);
}

Value filter_reverse(Interpreter&, const Value& v, Arguments&) {
  if (v.is_string()) {
    std::vector<std::size_t> offsets = code_point_offsets(v.str());
    Text out;
    for (std::size_t i = offsets.size() - 1; i > 0; --i) out.append(v.text().substr(offsets[i - 1], offsets[i]));
    return Value::string(std::move(out));
  }
  std::vector<Value> items = iterate(v);
  std::reverse(items.begin(), items.end());
  bool reversible = v.is_sequence() || v.is_dict() || (v.is_list() && v.sequence_kind() == SequenceKind::kView);
  return Value::list(std::move(items), reversible ? SequenceKind::kGenerator : SequenceKind::kList);
}

Value filter_round(Interpreter&, const Value& v, Arguments& a) {
  const Value* precision_value = arg(a, 0, "precision");
  const Value* method_value = arg(a, 1, "method");
  std::int64_t precision = precision_value != nullptr ? precision_value->as_int() : 0;
  std::string method = method_value != nullptr && method_value->is_string() ? method_value->str() : "common";
  if (method != "common" && method != "ceil" && method != "floor") throw_error("method must be common, ceil or floor");
  if (v.is_undefined()) throw_undefined(v);
  if (!v.is_number()) throw_error("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common" && !v.is_float()) return Value::integer(v.as_int());
  double d = v.as_double();
  if (precision > 300 || precision < -300) return Value::floating(d);
  if (method == "common") {
    if (!std::isfinite(d)) return Value::floating(d);
    if (precision == 0) return Value::floating(std::nearbyint(d));
    if (precision > 0) {
      char buffer[512];
      std::snprintf(buffer, sizeof(buffer), "%.*f", static_cast<int>(precision), d);
      return Value::floating(std::strtod(buffer, nullptr));
    }
    double scale = std::pow(10.0, static_cast<double>(-precision));
    return Value::floating(std::nearbyint(d / scale) * scale);
  }
  double scale = std::pow(10.0, static_cast<double>(precision));
  double scaled = method == "ceil" ? std::ceil(d * scale) : std::floor(d * scale);
  return Value::floating(scaled / scale);
}

Value filter_safe(Interpreter&, const Value& v, Arguments&) { return v.is_markup() ? v : Value::markup(to_text(v)); }
Value filter_string(Interpreter&, const Value& v, Arguments&) { return soft_string(v); }

Value filter_sort(Interpreter& interpreter, const Value& v, Arguments& a) {
  const Value* reverse = arg(a, 0, "reverse");
  const Value* case_sensitive = arg(a, 1, "case_sensitive");
  const Value* attribute = arg(a, 2, "attribute");
  bool sensitive = case_sensitive != nullptr && truthy(*case_sensitive);
  bool descending = reverse != nullptr && truthy(*reverse);
  std::vector<Value> items = iterate(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& item : items) {
    Value k = attribute != nullptr && !attribute->is_none() ? lookup_path(interpreter, item, *attribute) : item;
    keyed.emplace_back(sensitive ? k : lower_if_string(k), std::move(item));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return descending ? compare(y.first, x.first) < 0 : compare(x.first, y.first) < 0;
  });
  std::vector<Value> out;
  for (auto& entry : keyed) out.push_back(std::move(entry.second));
  return Value::list(std::move(out));
}

Value filter_sum(Interpreter& interpreter, const Value& v, Arguments& a) {
  const Value* attribute = arg(a, 0, "attribute");
  const Value* start = arg(a, 1, "start");
  Value total = start != nullptr ? *start : Value::integer(0);
  for (const Value& item : iterate(v)) {
    Value term = attribute != nullptr && !attribute->is_none() ? lookup_path(interpreter, item, *attribute) : item;
    total = interpreter.binary("+", total, term);
  }
  return total;
}

Value filter_title(Interpreter&, const Value& v, Arguments&) {
  // jinja2 splits on runs of whitespace and -({[< and capitalizes the first character of each piece.
  Text text = to_text(v);
  std::string out;
  bool at_start = true;
  for (char32_t c : to_code_points(text.str())) {
    bool separator = is_python_space(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (separator) {
      append_utf8(out, c);
      at_start = true;
    } else {
      append_utf8(out, at_start ? to_upper(c) : to_lower(c));
      at_start = false;
    }
  }
  return Value::string(std::move(out), text.any_tainted());
}

Value filter_tojson(Interpreter& interpreter, const Value& v, Arguments& a) {
  JsonOptions options;
  const Value* ensure_ascii = arg(a, 0, "ensure_ascii");
  const Value* indent = arg(a, 1, "indent");
  const Value* separators = arg(a, 2, "separators");
  const Value* sort_keys = arg(a, 3, "sort_keys");
  options.ensure_ascii = ensure_ascii != nullptr && truthy(*ensure_ascii);
  options.sort_keys = sort_keys != nullptr && truthy(*sort_keys);
  if (indent != nullptr && !indent->is_none()) {
    options.has_indent = true;
    if (indent->is_string()) {
      options.indent = indent->str();
    } else if (indent->is_int() || indent->is_bool()) {
      std::int64_t n = std::min<std::int64_t>(indent->as_int(), 1000);
      options.indent = std::string(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)), ' ');
    } else {
      throw_error("indent must be an integer or string");
    }
    options.item_separator = ",";
  }
  if (separators != nullptr && !separators->is_none()) {
    std::vector<Value> parts = iterate(*separators);
    if (parts.size() != 2 || !parts[0].is_string() || !parts[1].is_string()) throw_error("separators must be a pair of strings");
    options.item_separator = parts[0].str();
    options.key_separator = parts[1].str();
  }
  std::string json = to_json(v, options);
  interpreter.check_size(json.size());
  return Value::string(std::move(json), contains_taint(v));
}

Value filter_trim(Interpreter& i, const Value& v, Arguments& a) {
  Arguments arguments;
  const Value* chars = arg(a, 0, "chars");
  if (chars != nullptr) arguments.positional.push_back(*chars);
  return call_string_method(i, soft_string(v), "strip", arguments);
}

Value filter_truncate(Interpreter&, const Value& v, Arguments& a) {
  const Value* length_value = arg(a, 0, "length");
  const Value* killwords = arg(a, 1, "killwords");
  const Value* end_value = arg(a, 2, "end");
  const Value* leeway_value = arg(a, 3, "leeway");
  Text text = to_text(v);
  std::int64_t limit = length_value != nullptr ? length_value->as_int() : 255;
  std::string end = end_value != nullptr ? to_text(*end_value).str() : "...";
  std::int64_t leeway = leeway_value != nullptr && !leeway_value->is_none() ? leeway_value->as_int() : 5;
  auto end_size = static_cast<std::int64_t>(code_point_count(end));
  if (limit < end_size || leeway < 0) throw_error("expected length >= len(end) and leeway >= 0");
  std::vector<std::size_t> offsets = code_point_offsets(text.str());
  auto size = static_cast<std::int64_t>(offsets.size()) - 1;
  if (size <= limit + leeway) return Value::string(text);
  Text kept = text.substr(0, offsets[static_cast<std::size_t>(limit - end_size)]);
  if (killwords == nullptr || !truthy(*killwords)) {
    std::size_t space = kept.str().rfind(' ');
    if (space != std::string::npos) kept = kept.substr(0, space);
  }
  kept.append(end, false);
  return Value::string(std::move(kept));
}

Value filter_unique(Interpreter& interpreter, const Value& v, Arguments& a) {
  const Value* case_sensitive = arg(a, 0, "case_sensitive");
  const Value* attribute = arg(a, 1, "attribute");
  bool sensitive = case_sensitive != nullptr && truthy(*case_sensitive);
  std::vector<Value> seen;
  std::vector<Value> out;
  for (const Value& item : iterate(v)) {
    Value k = attribute != nullptr && !attribute->is_none() ? lookup_path(interpreter, item, *attribute) : item;
    if (!sensitive) k = lower_if_string(k);
    if (k.is_dict() || (k.is_list() && k.sequence_kind() == SequenceKind::kList)) throw_error("unhashable type: '" + type_name(k) + "'");
    bool duplicate = std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, k); });
    if (duplicate) continue;
    seen.push_back(k);
    out.push_back(item);
  }
  return Value::list(std::move(out), SequenceKind::kGenerator);
}

Value filter_wordcount(Interpreter&, const Value& v, Arguments&) {
  std::int64_t count = 0;
  bool in_word = false;
  for (char32_t c : to_code_points(to_text(v).str())) {
    bool word = is_word_char(c);
    if (word && !in_word) ++count;
    in_word = word;
  }
  return Value::integer(count);
}

Value filter_unsupported(Interpreter&, const Value&, Arguments&) { throw_error("this filter is not supported"); }

struct FilterEntry {
  std::string_view name;
  Filter filter;
};

constexpr FilterEntry kFilters[] = {
    {"abs", filter_abs}, {"attr", filter_attr}, {"batch", filter_batch}, {"capitalize", filter_capitalize},
    {"center", filter_center}, {"count", filter_length}, {"d", filter_default}, {"default", filter_default},
    {"dictsort", filter_dictsort}, {"e", filter_escape}, {"escape", filter_escape},
    {"filesizeformat", filter_unsupported}, {"first", filter_first}, {"float", filter_float},
    {"forceescape", filter_forceescape}, {"format", filter_format}, {"groupby", filter_unsupported},
    {"indent", filter_indent}, {"int", filter_int}, {"items", filter_items}, {"join", filter_join},
    {"last", filter_last}, {"length", filter_length}, {"list", filter_list}, {"lower", filter_lower},
    {"map", filter_map}, {"max", filter_max}, {"min", filter_min}, {"pprint", filter_unsupported},
    {"random", filter_unsupported}, {"reject", filter_reject}, {"rejectattr", filter_rejectattr},
    {"replace", filter_replace}, {"reverse", filter_reverse}, {"round", filter_round}, {"safe", filter_safe},
    {"select", filter_select}, {"selectattr", filter_selectattr}, {"slice", filter_unsupported},
    {"sort", filter_sort}, {"string", filter_string}, {"striptags", filter_unsupported}, {"sum", filter_sum},
    {"title", filter_title}, {"tojson", filter_tojson}, {"trim", filter_trim}, {"truncate", filter_truncate},
    {"unique", filter_unique}, {"upper", filter_upper}, {"urlencode", filter_unsupported},
    {"urlize", filter_unsupported}, {"wordcount", filter_wordcount}, {"wordwrap", filter_unsupported},
    {"xmlattr", filter_unsupported},
};

}  // namespace

bool is_known_filter(std::string_view name) {
  return std::any_of(std::begin(kFilters), std::end(kFilters), [&](const FilterEntry& e) { return e.name == name; });
}

Value call_filter(Interpreter& interpreter, const std::string& name, const Value& input, Arguments& arguments) {
  for (const FilterEntry& entry : kFilters) {
    if (entry.name == name) {
      if (entry.filter == filter_unsupported) throw_error("filter '" + name + "' is not supported");
      return entry.filter(interpreter, input, arguments);
    }
  }
  throw_error("No filter named '" + name + "' found.");
}

}  // namespace tessera::chat

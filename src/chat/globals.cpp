// Global functions a template can call: jinja2's range, dict, namespace, cycler and joiner, plus the
// raise_exception and strftime_now that Hugging Face adds.
#include <ctime>

#include "chat/interpreter.h"

namespace tessera::chat {
namespace {

constexpr std::int64_t kMaxRange = 100000;  // jinja2.sandbox.MAX_RANGE

Value global_range(Interpreter&, Arguments& a) {
  if (!a.keyword.empty()) throw_error("range() takes no keyword arguments");
  for (const Value& v : a.positional) {
    if (v.is_undefined()) throw_undefined(v);
    if (!v.is_int() && !v.is_bool()) throw_error("'" + type_name(v) + "' object cannot be interpreted as an integer");
  }
  std::int64_t start = 0;
  std::int64_t stop = 0;
  std::int64_t step = 1;
  if (a.positional.size() == 1) {
    stop = a.positional[0].as_int();
  } else if (a.positional.size() == 2 || a.positional.size() == 3) {
    start = a.positional[0].as_int();
    stop = a.positional[1].as_int();
    if (a.positional.size() == 3) step = a.positional[2].as_int();
  } else {
    throw_error("range expected 1 to 3 arguments");
  }
  if (step == 0) throw_error("range() arg 3 must not be zero");
  // Length computed in unsigned arithmetic, where the difference of two int64 values always fits.
  std::uint64_t count = 0;
  if (step > 0 && stop > start) {
    std::uint64_t span = static_cast<std::uint64_t>(stop) - static_cast<std::uint64_t>(start);
    count = (span - 1) / static_cast<std::uint64_t>(step) + 1;
  } else if (step < 0 && start > stop) {
    std::uint64_t span = static_cast<std::uint64_t>(start) - static_cast<std::uint64_t>(stop);
    std::uint64_t magnitude = static_cast<std::uint64_t>(-(step + 1)) + 1;
    count = (span - 1) / magnitude + 1;
  }
  if (count > static_cast<std::uint64_t>(kMaxRange)) {
    throw_error("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  }
  std::vector<Value> items;
  items.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) items.push_back(Value::integer(start + static_cast<std::int64_t>(i) * step));
  std::string name = "range(" + std::to_string(start) + ", " + std::to_string(stop) + (step != 1 ? ", " + std::to_string(step) : "") + ")";
  return Value::list(std::move(items), SequenceKind::kView, name);
}

std::vector<std::pair<Value, Value>> mapping_from(const Arguments& a, const char* function) {
  std::vector<std::pair<Value, Value>> entries;
  auto put = [&](Value key, Value value) {
    for (auto& entry : entries) {
      if (equals(entry.first, key)) {
        entry.second = std::move(value);
        return;
      }
    }
    entries.emplace_back(std::move(key), std::move(value));
  };
  if (a.positional.size() > 1) throw_error(std::string(function) + " expected at most 1 argument");
  if (a.positional.size() == 1) {
    const Value& source = a.positional[0];
    if (source.is_dict()) {
      for (const auto& [k, v] : source.dict_data().entries) put(k, v);
    } else {
      for (const Value& pair : iterate(source)) {
        std::vector<Value> parts = iterate(pair);
        if (parts.size() != 2) throw_error("dictionary update sequence element has wrong length");
        put(parts[0], parts[1]);
      }
    }
  }
  for (const auto& [k, v] : a.keyword) put(Value::string(k), v);
  return entries;
}

Value global_dict(Interpreter&, Arguments& a) { return Value::dict(mapping_from(a, "dict")); }

Value global_namespace(Interpreter& interpreter, Arguments& a) {
  auto ns = std::make_shared<Namespace>();
  interpreter.track(ns);
  for (auto& [k, v] : mapping_from(a, "namespace")) {
    if (!k.is_string()) throw_error("keywords must be strings");
    ns->attributes.emplace_back(k.str(), v);
  }
  return Value::make_namespace(std::move(ns));
}

Value global_raise_exception(Interpreter&, Arguments& a) {
  const Value* message = argument(a, 0, "message");
  throw_error(message != nullptr ? to_text(*message).str() : "");
}

Value global_strftime_now(Interpreter& interpreter, Arguments& a) {
  const Value* format = argument(a, 0, "format");
  if (format == nullptr || !format->is_string()) throw_error("strftime() argument 1 must be str");
  const std::string& pattern = format->str();
  if (pattern.size() > 1000) throw_error("strftime format too long");
  if (pattern.find('\0') != std::string::npos) throw_error("embedded null character");
  std::tm time = interpreter.now();
  std::string buffer(256 + pattern.size() * 16, '\0');
  std::size_t written = std::strftime(buffer.data(), buffer.size(), pattern.c_str(), &time);
  buffer.resize(written);
  return Value::string(std::move(buffer));
}

Value global_cycler(Interpreter& interpreter, Arguments& a) {
  auto ns = std::make_shared<Namespace>();
  interpreter.track(ns);
  std::vector<Value> items = a.positional;
  if (items.empty()) throw_error("at least one item has to be provided");
  auto position = std::make_shared<std::size_t>(0);
  ns->attributes.emplace_back("items", Value::list(items));
  ns->attributes.emplace_back("current", items[0]);
  ns->attributes.emplace_back("next", Value::callable("next", [items, position, ns](Interpreter&, Arguments&) {
                                Value value = items[*position];
                                *position = (*position + 1) % items.size();
                                *ns->find("current") = items[*position];
                                return value;
                              }));
  return Value::make_namespace(std::move(ns));
}

Value global_joiner(Interpreter&, Arguments& a) {
  const Value* separator = argument(a, 0, "sep");
  Value sep = separator != nullptr ? *separator : Value::string(", ");
  auto used = std::make_shared<bool>(false);
  return Value::callable("joiner", [sep, used](Interpreter&, Arguments&) {
    if (!*used) {
      *used = true;
      return Value::string(std::string());
    }
    return sep;
  });
}

}  // namespace

void add_builtin_globals(Scope& scope) {
  scope.set("range", Value::callable("range", global_range));
  scope.set("dict", Value::callable("dict", global_dict));
  scope.set("namespace", Value::callable("namespace", global_namespace));
  scope.set("cycler", Value::callable("cycler", global_cycler));
  scope.set("joiner", Value::callable("joiner", global_joiner));
  scope.set("raise_exception", Value::callable("raise_exception", global_raise_exception));
  scope.set("strftime_now", Value::callable("strftime_now", global_strftime_now));
}

}  // namespace tessera::chat

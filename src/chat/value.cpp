#include "chat/value.h"

#include <cmath>

#include "chat/python_format.h"

namespace tessera::chat {

void throw_error(std::string message) { throw RenderError{std::move(message), 0, 0}; }

const Value* Dict::find(const Value& key) const {
  for (const auto& [k, v] : entries) {
    if (equals(k, key)) return &v;
  }
  return nullptr;
}

const Value* Dict::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_string() && k.str() == key) return &v;
  }
  return nullptr;
}

Value* Namespace::find(std::string_view name) {
  for (auto& [k, v] : attributes) {
    if (k == name) return &v;
  }
  return nullptr;
}

Value Value::undefined(std::string hint, bool unsafe) {
  Value v;
  v.hint_ = std::make_shared<const std::string>(std::move(hint));
  v.bool_ = unsafe;
  return v;
}
Value Value::none() {
  Value v;
  v.kind_ = ValueKind::kNone;
  return v;
}
Value Value::boolean(bool value) {
  Value v;
  v.kind_ = ValueKind::kBool;
  v.bool_ = value;
  return v;
}
Value Value::integer(std::int64_t value) {
  Value v;
  v.kind_ = ValueKind::kInt;
  v.int_ = value;
  return v;
}
Value Value::floating(double value) {
  Value v;
  v.kind_ = ValueKind::kFloat;
  v.float_ = value;
  return v;
}
Value Value::string(Text value) {
  Value v;
  v.kind_ = ValueKind::kString;
  v.string_ = std::make_shared<const Text>(std::move(value));
  return v;
}
Value Value::markup(Text value) {
  Value v = string(std::move(value));
  v.bool_ = true;
  return v;
}

Value escape_html(const Value& value) {
  if (value.is_markup()) return value;
  Text text = to_text(value);
  const std::string& s = text.str();
  Text out;
  std::size_t position = 0;
  auto escape_piece = [&out](std::string_view piece, bool tainted) {
    std::string escaped;
    for (char c : piece) {
      switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&#34;"; break;
        case '\'': escaped += "&#39;"; break;
        default: escaped.push_back(c);
      }
    }
    out.append(escaped, tainted);
  };
  for (const TaintRange& range : text.tainted_ranges()) {
    escape_piece(std::string_view(s).substr(position, range.begin - position), false);
    escape_piece(std::string_view(s).substr(range.begin, range.end - range.begin), true);
    position = range.end;
  }
  escape_piece(std::string_view(s).substr(position), false);
  return Value::markup(std::move(out));
}

Value Value::string(std::string value, bool tainted) { return string(Text(std::move(value), tainted)); }
Value Value::list(std::vector<Value> items, SequenceKind kind, std::string view_name) {
  Value v;
  v.kind_ = ValueKind::kList;
  v.list_ = std::make_shared<const List>(List{std::move(items), kind, std::move(view_name)});
  return v;
}
Value Value::dict(std::vector<std::pair<Value, Value>> entries) {
  Value v;
  v.kind_ = ValueKind::kDict;
  v.dict_ = std::make_shared<const Dict>(Dict{std::move(entries)});
  return v;
}
Value Value::make_namespace(std::shared_ptr<Namespace> ns) {
  Value v;
  v.kind_ = ValueKind::kNamespace;
  v.namespace_ = std::move(ns);
  return v;
}
Value Value::callable(std::string name, std::function<Value(Interpreter&, Arguments&)> call) {
  Value v;
  v.kind_ = ValueKind::kCallable;
  v.callable_ = std::make_shared<const Callable>(Callable{std::move(name), std::move(call)});
  return v;
}
Value Value::loop(std::shared_ptr<LoopState> state) {
  Value v;
  v.kind_ = ValueKind::kLoop;
  v.loop_ = std::move(state);
  return v;
}

const std::string& Value::undefined_hint() const {
  static const std::string kEmpty;
  return hint_ ? *hint_ : kEmpty;
}

bool Value::is_sequence() const {
  return kind_ == ValueKind::kList && (list_->kind == SequenceKind::kList || list_->kind == SequenceKind::kTuple);
}

double Value::as_double() const {
  switch (kind_) {
    case ValueKind::kFloat: return float_;
    case ValueKind::kInt: return static_cast<double>(int_);
    case ValueKind::kBool: return bool_ ? 1.0 : 0.0;
    default: return 0.0;
  }
}

std::string type_name(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kUndefined: return "Undefined";
    case ValueKind::kNone: return "NoneType";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kFloat: return "float";
    case ValueKind::kString: return "str";
    case ValueKind::kList:
      switch (value.sequence_kind()) {
        case SequenceKind::kList: return "list";
        case SequenceKind::kTuple: return "tuple";
        case SequenceKind::kGenerator: return "generator";
        case SequenceKind::kView: return value.list_data().view_name.rfind("range", 0) == 0 ? "range" : value.list_data().view_name;
      }
      return "list";
    case ValueKind::kDict: return "dict";
    case ValueKind::kNamespace: return "Namespace";
    case ValueKind::kCallable: return "function";
    case ValueKind::kLoop: return "LoopContext";
  }
  return "object";
}

bool truthy(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kUndefined: case ValueKind::kNone: return false;
    case ValueKind::kBool: return value.as_bool();
    case ValueKind::kInt: return value.as_int() != 0;
    case ValueKind::kFloat: return value.as_double() != 0.0;
    case ValueKind::kString: return !value.str().empty();
    case ValueKind::kList:
      return value.sequence_kind() == SequenceKind::kGenerator || !value.items().empty();
    case ValueKind::kDict: return !value.dict_data().entries.empty();
    default: return true;
  }
}

bool equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
    return a.as_int() == b.as_int();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kUndefined: case ValueKind::kNone: return true;
    case ValueKind::kString: return a.str() == b.str();
    case ValueKind::kList: {
      if (&a.list_data() == &b.list_data()) return true;
      if (a.sequence_kind() != b.sequence_kind() || !a.is_sequence()) return false;
      const auto& x = a.items();
      const auto& y = b.items();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equals(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::kDict: {
      const auto& x = a.dict_data().entries;
      const auto& y = b.dict_data();
      if (x.size() != y.entries.size()) return false;
      for (const auto& [k, v] : x) {
        const Value* other = y.find(k);
        if (other == nullptr || !equals(v, *other)) return false;
      }
      return true;
    }
    case ValueKind::kNamespace: return a.namespace_data() == b.namespace_data();
    case ValueKind::kCallable: return &a.callable_data() == &b.callable_data();
    case ValueKind::kLoop: return a.loop_state() == b.loop_state();
    default: return false;
  }
}

int compare(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) {
      double x = a.as_double();
      double y = b.as_double();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.str().compare(b.str());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_sequence() && b.is_sequence() && a.sequence_kind() == b.sequence_kind()) {
    const auto& x = a.items();
    const auto& y = b.items();
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!equals(x[i], y[i])) return compare(x[i], y[i]);
    }
    return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
  }
  throw_error("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

static void repr_into(const Value& value, std::string& out);

static void repr_sequence(const std::vector<Value>& items, std::string& out, char open, char close, bool tuple) {
  out.push_back(open);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    repr_into(items[i], out);
  }
  if (tuple && items.size() == 1) out.push_back(',');
  out.push_back(close);
}

static void repr_into(const Value& value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kUndefined: out += "Undefined"; return;
    case ValueKind::kString: out += quote_string(value.str()); return;
    case ValueKind::kList:
      switch (value.sequence_kind()) {
        case SequenceKind::kList: repr_sequence(value.items(), out, '[', ']', false); return;
        case SequenceKind::kTuple: repr_sequence(value.items(), out, '(', ')', true); return;
        case SequenceKind::kGenerator: out += "<generator object>"; return;
        case SequenceKind::kView:
          if (value.list_data().view_name.rfind("range", 0) == 0) {
            out += value.list_data().view_name;
            return;
          }
          out += value.list_data().view_name + "(";
          repr_sequence(value.items(), out, '[', ']', false);
          out += ")";
          return;
      }
      return;
    case ValueKind::kDict: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : value.dict_data().entries) {
        if (!first) out += ", ";
        first = false;
        repr_into(k, out);
        out += ": ";
        repr_into(v, out);
      }
      out.push_back('}');
      return;
    }
    default: out += to_text(value).str(); return;
  }
}

std::string repr(const Value& value) {
  std::string out;
  repr_into(value, out);
  return out;
}

bool contains_taint(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kString: return value.text().any_tainted();
    case ValueKind::kList:
      for (const Value& item : value.items()) {
        if (contains_taint(item)) return true;
      }
      return false;
    case ValueKind::kDict:
      for (const auto& [k, v] : value.dict_data().entries) {
        if (contains_taint(k) || contains_taint(v)) return true;
      }
      return false;
    case ValueKind::kNamespace:
      for (const auto& [k, v] : value.namespace_data()->attributes) {
        if (contains_taint(v)) return true;
      }
      return false;
    default: return false;
  }
}

Text to_text(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kUndefined: return Text();
    case ValueKind::kNone: return Text("None");
    case ValueKind::kBool: return Text(value.as_bool() ? "True" : "False");
    case ValueKind::kInt: return Text(std::to_string(value.as_int()));
    case ValueKind::kFloat: return Text(format_float(value.as_double()));
    case ValueKind::kString: return value.text();
    case ValueKind::kList: case ValueKind::kDict: return Text(repr(value), contains_taint(value));
    case ValueKind::kNamespace: {
      std::string out = "<Namespace {";
      bool first = true;
      for (const auto& [k, v] : value.namespace_data()->attributes) {
        if (!first) out += ", ";
        first = false;
        out += quote_string(k) + ": " + repr(v);
      }
      return Text(out + "}>", contains_taint(value));
    }
    case ValueKind::kCallable: return Text("<function " + value.callable_data().name + ">");
    case ValueKind::kLoop: {
      const LoopState& loop = *value.loop_state();
      return Text("<LoopContext " + std::to_string(loop.index0 + 1) + "/" + std::to_string(loop.items->size()) + ">");
    }
  }
  return Text();
}

std::vector<Value> iterate(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kUndefined: return {};
    case ValueKind::kList: return value.items();
    case ValueKind::kDict: {
      std::vector<Value> keys;
      keys.reserve(value.dict_data().entries.size());
      for (const auto& entry : value.dict_data().entries) keys.push_back(entry.first);
      return keys;
    }
    case ValueKind::kString: {
      std::vector<Value> characters;
      const Text& text = value.text();
      std::vector<std::size_t> offsets = code_point_offsets(text.str());
      characters.reserve(offsets.size());
      for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
        characters.push_back(Value::string(text.substr(offsets[i], offsets[i + 1])));
      }
      return characters;
    }
    case ValueKind::kNamespace: throw_error("'Namespace' object is not iterable");
    default: throw_error("'" + type_name(value) + "' object is not iterable");
  }
}

std::int64_t length(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kUndefined: return 0;
    case ValueKind::kString: return static_cast<std::int64_t>(code_point_count(value.str()));
    case ValueKind::kList:
      if (value.sequence_kind() == SequenceKind::kGenerator) throw_error("object of type 'generator' has no len()");
      return static_cast<std::int64_t>(value.items().size());
    case ValueKind::kDict: return static_cast<std::int64_t>(value.dict_data().entries.size());
    default: throw_error("object of type '" + type_name(value) + "' has no len()");
  }
}

Value from_json(const nlohmann::ordered_json& json, bool tainted) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none();
    case nlohmann::ordered_json::value_t::boolean: return Value::boolean(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value::integer(json.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
      auto u = json.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value::floating(static_cast<double>(u));
      return Value::integer(static_cast<std::int64_t>(u));
    }
    case nlohmann::ordered_json::value_t::number_float: return Value::floating(json.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value::string(json.get<std::string>(), tainted);
    case nlohmann::ordered_json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json(item, tainted));
      return Value::list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      std::vector<std::pair<Value, Value>> entries;
      entries.reserve(json.size());
      for (const auto& [key, item] : json.items()) {
        entries.emplace_back(Value::string(key, tainted), from_json(item, tainted));
      }
      return Value::dict(std::move(entries));
    }
    default: return Value::none();
  }
}

}  // namespace tessera::chat

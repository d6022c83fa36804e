// Value: the Python object model a chat template sees (None, bool, int, float, str, list, tuple, dict,
// jinja2 Undefined, namespace, callables, loop). Lists and dicts are immutable once built, as in
// jinja2's ImmutableSandboxedEnvironment, so they are shared by pointer; only namespaces mutate.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/text.h"

namespace tessera::chat {

// A template runtime error; the interpreter attaches the line and column of the node that failed.
struct RenderError {
  std::string message;
  int line = 0;
  int column = 0;
};
[[noreturn]] void throw_error(std::string message);

enum class ValueKind : std::uint8_t {
  kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kDict, kNamespace, kCallable, kLoop,
};

// How a sequence behaves where Python's list, tuple, iterator and view types differ.
enum class SequenceKind : std::uint8_t {
  kList,       // list: indexable, len, JSON array
  kTuple,      // tuple: as list, repr with parentheses
  kGenerator,  // iterator/generator: always truthy, no len, no index, not JSON serializable
  kView,       // dict_items/keys/values, range: len and truthiness, no JSON
};

class Value;
class Interpreter;
struct LoopState;

struct List {
  std::vector<Value> items;
  SequenceKind kind = SequenceKind::kList;
  std::string view_name;  // "dict_items", "range(0, 3)", ... for repr
};

struct Dict {
  std::vector<std::pair<Value, Value>> entries;
  const Value* find(const Value& key) const;
  const Value* find(std::string_view key) const;
};

struct Namespace {
  std::vector<std::pair<std::string, Value>> attributes;
  Value* find(std::string_view name);
};

struct Arguments {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
};

struct Callable {
  std::string name;
  std::function<Value(Interpreter&, Arguments&)> call;
};

class Value {
 public:
  Value() = default;  // jinja2 Undefined

  static Value undefined(std::string hint, bool unsafe = false);
  static Value none();
  static Value boolean(bool value);
  static Value integer(std::int64_t value);
  static Value floating(double value);
  static Value string(Text value);
  static Value string(std::string value, bool tainted = false);
  // markupsafe.Markup: a string that `+` and `%` combine with others by HTML-escaping the others.
  static Value markup(Text value);
  static Value list(std::vector<Value> items, SequenceKind kind = SequenceKind::kList, std::string view_name = {});
  static Value dict(std::vector<std::pair<Value, Value>> entries);
  static Value make_namespace(std::shared_ptr<Namespace> ns);
  static Value callable(std::string name, std::function<Value(Interpreter&, Arguments&)> call);
  static Value loop(std::shared_ptr<LoopState> state);

  ValueKind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == ValueKind::kUndefined; }
  bool is_none() const { return kind_ == ValueKind::kNone; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_int() const { return kind_ == ValueKind::kInt; }
  bool is_float() const { return kind_ == ValueKind::kFloat; }
  bool is_number() const { return kind_ == ValueKind::kInt || kind_ == ValueKind::kFloat || kind_ == ValueKind::kBool; }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_markup() const { return kind_ == ValueKind::kString && bool_; }
  bool is_list() const { return kind_ == ValueKind::kList; }
  bool is_dict() const { return kind_ == ValueKind::kDict; }
  bool is_namespace() const { return kind_ == ValueKind::kNamespace; }
  bool is_callable() const { return kind_ == ValueKind::kCallable; }
  bool is_loop() const { return kind_ == ValueKind::kLoop; }
  // A list or tuple proper (indexable, JSON-serializable).
  bool is_sequence() const;

  bool as_bool() const { return bool_; }
  std::int64_t as_int() const { return kind_ == ValueKind::kBool ? (bool_ ? 1 : 0) : int_; }
  double as_double() const;
  const Text& text() const { return *string_; }
  const std::string& str() const { return string_->str(); }
  const List& list_data() const { return *list_; }
  const std::vector<Value>& items() const { return list_->items; }
  SequenceKind sequence_kind() const { return list_->kind; }
  const Dict& dict_data() const { return *dict_; }
  const std::shared_ptr<Namespace>& namespace_data() const { return namespace_; }
  const Callable& callable_data() const { return *callable_; }
  const std::shared_ptr<LoopState>& loop_state() const { return loop_; }
  const std::string& undefined_hint() const;
  bool undefined_unsafe() const { return bool_; }

 private:
  ValueKind kind_ = ValueKind::kUndefined;
  bool bool_ = false;
  std::int64_t int_ = 0;
  double float_ = 0.0;
  std::shared_ptr<const Text> string_;
  std::shared_ptr<const List> list_;
  std::shared_ptr<const Dict> dict_;
  std::shared_ptr<Namespace> namespace_;
  std::shared_ptr<const Callable> callable_;
  std::shared_ptr<LoopState> loop_;
  std::shared_ptr<const std::string> hint_;
};

// State of the innermost `loop` variable; mutated as the for loop advances.
struct LoopState {
  std::shared_ptr<const std::vector<Value>> items;
  std::size_t index0 = 0;
  std::size_t depth0 = 0;  // levels of loop(...) recursion above this one
  Value recurse;           // recursive loops: callable running the loop body over another iterable
  Value last_changed;      // arguments of the last loop.changed(...) call
  bool changed_called = false;
};

// Python semantics.
std::string type_name(const Value& value);
bool truthy(const Value& value);
bool equals(const Value& a, const Value& b);
// <0, 0, >0; throws for types Python cannot order.
int compare(const Value& a, const Value& b);
Text to_text(const Value& value);  // str(value), keeping taint
std::string repr(const Value& value);
bool contains_taint(const Value& value);
// Elements a for loop, join, list() etc. see; throws when Python would refuse to iterate.
std::vector<Value> iterate(const Value& value);
// len(value); throws when Python's len() would.
std::int64_t length(const Value& value);

Value from_json(const nlohmann::ordered_json& json, bool tainted);
// markupsafe.escape of str(value); Markup input is returned unchanged.
Value escape_html(const Value& value);

}  // namespace tessera::chat

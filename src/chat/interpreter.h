// Interpreter: executes a parsed template over a variable scope, writing Text (with taint) to the
// output. Internal to src/chat; chat_template.h is the public interface.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/ast.h"
#include "chat/chat_template.h"
#include "chat/value.h"

namespace tessera::chat {


// One level of variables. Loop bodies, macros, call blocks, filter blocks and with blocks open a new
// scope; if blocks do not (as in jinja2).
struct Scope {
  std::shared_ptr<Scope> parent;
  std::vector<std::pair<std::string, Value>> variables;

  const Value* lookup(std::string_view name) const;
  void set(std::string name, Value value);
};

enum class Flow : std::uint8_t { kNormal, kBreak, kContinue };

class Interpreter {
 public:
  Interpreter(const Limits& limits, std::tm now) : limits_(limits), now_(now) {}
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Macros and recursive loops capture their scope, and namespaces and loop states may hold
  // themselves; the interpreter clears all of them when it ends so those reference cycles are freed.
  void track(const std::shared_ptr<Namespace>& ns) { namespaces_.push_back(ns); }

  Text render(const std::vector<NodePtr>& body, std::shared_ptr<Scope> globals);

  Value evaluate(const Node& node);
  Flow execute(const std::vector<NodePtr>& body, Text& out);

  // Python/jinja2 semantics shared by filters, tests and methods.
  Value call(const Value& callee, Arguments& arguments);
  Value get_attribute(const Value& object, std::string_view name);
  Value get_item(const Value& object, const Value& key);
  Value apply_filter(const std::string& name, const Value& input, Arguments& arguments);
  bool apply_test(const std::string& name, const Value& input, Arguments& arguments);
  Value binary(std::string_view op, const Value& left, const Value& right);
  bool contains(const Value& container, const Value& item);

  void count_step();
  void check_size(std::size_t bytes) const;
  void check_items(std::size_t count) const;
  const std::tm& now() const { return now_; }
  const std::shared_ptr<Scope>& scope() const { return scope_; }

 private:
  Flow execute_node(const Node& node, Text& out);
  Flow execute_for(const Node& node, Text& out);
  // Runs a for loop over `iterable` at a recursion depth; recursive loops call it again through loop(...).
  Flow run_loop(const Node& node, const Value& iterable, std::size_t depth0, Text& out);
  Value define_loop_recursion(const Node& node, std::size_t depth0);
  void execute_set(const Node& node);
  void assign(const Node& target, const Value& value, Scope& scope);
  Value define_macro(const Node& node, const std::string& name);
  Value evaluate_filter_chain(const Node& node, const Value& input);
  Value evaluate_call(const Node& node);
  Value evaluate_slice(const Value& object, const Node& slice);
  Value evaluate_compare(const Node& node);
  Arguments evaluate_arguments(const Node& node);
  void write(Text& out, const Text& text) const;

  Limits limits_;
  std::tm now_;
  std::shared_ptr<Scope> scope_;
  std::uint64_t steps_ = 0;
  int call_depth_ = 0;
  std::vector<std::weak_ptr<Scope>> closures_;
  std::vector<std::weak_ptr<Namespace>> namespaces_;
  std::vector<std::weak_ptr<LoopState>> loops_;
  int evaluation_depth_ = 0;
  friend struct ScopeGuard;
  friend struct DepthCounter;
};

// Registered in globals.cpp, filters.cpp, tests.cpp and methods.cpp.
void add_builtin_globals(Scope& scope);
Value call_filter(Interpreter& interpreter, const std::string& name, const Value& input, Arguments& arguments);
bool call_test(Interpreter& interpreter, const std::string& name, const Value& input, Arguments& arguments);
// A bound method of a str, dict or list, an unsafe Undefined for mutating methods, or nullopt.
bool find_method(const Value& receiver, std::string_view name, Value& method);

// Argument binding helpers: positional then keyword, Python-style.
const Value* argument(const Arguments& arguments, std::size_t index, std::string_view name);
[[noreturn]] void throw_undefined(const Value& undefined);

}  // namespace tessera::chat

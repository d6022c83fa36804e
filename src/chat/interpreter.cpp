#include "chat/interpreter.h"

#include <new>

namespace tessera::chat {

const Value* Scope::lookup(std::string_view name) const {
  for (const Scope* scope = this; scope != nullptr; scope = scope->parent.get()) {
    for (const auto& [key, value] : scope->variables) {
      if (key == name) return &value;
    }
  }
  return nullptr;
}

void Scope::set(std::string name, Value value) {
  for (auto& [key, existing] : variables) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  variables.emplace_back(std::move(name), std::move(value));
}

// Enters a child scope for the lifetime of the guard.
struct ScopeGuard {
  ScopeGuard(Interpreter& i, std::shared_ptr<Scope> parent) : interpreter(i), saved(i.scope_) {
    auto child = std::make_shared<Scope>();
    child->parent = std::move(parent);
    interpreter.scope_ = std::move(child);
  }
  ~ScopeGuard() { interpreter.scope_ = saved; }
  Interpreter& interpreter;
  std::shared_ptr<Scope> saved;
};

struct DepthCounter {
  explicit DepthCounter(Interpreter& i) : interpreter(i) {
    if (++interpreter.evaluation_depth_ > interpreter.limits_.max_evaluation_depth) {
      throw_error("maximum recursion depth exceeded");
    }
  }
  ~DepthCounter() { --interpreter.evaluation_depth_; }
  Interpreter& interpreter;
};

Interpreter::~Interpreter() {
  for (const auto& weak : closures_) {
    if (auto scope = weak.lock()) scope->variables.clear();
  }
  for (const auto& weak : namespaces_) {
    if (auto ns = weak.lock()) ns->attributes.clear();
  }
  for (const auto& weak : loops_) {
    if (auto loop = weak.lock()) {
      loop->recurse = Value();
      loop->last_changed = Value();
    }
  }
}

void Interpreter::count_step() {
  if (++steps_ > limits_.max_steps) throw_error("template exceeded its step budget");
}

void Interpreter::check_size(std::size_t bytes) const {
  if (bytes > limits_.max_output_bytes) throw_error("template output exceeds the size limit");
}

void Interpreter::check_items(std::size_t count) const {
  if (count > limits_.max_items) throw_error("template list exceeds the size limit");
}

void Interpreter::write(Text& out, const Text& text) const {
  check_size(out.size() + text.size());
  out.append(text);
}

Text Interpreter::render(const std::vector<NodePtr>& body, std::shared_ptr<Scope> globals) {
  scope_ = std::make_shared<Scope>();
  scope_->parent = std::move(globals);
  Text out;
  Flow flow = execute(body, out);
  if (flow != Flow::kNormal) throw_error("'break' or 'continue' outside of a loop");
  return out;
}

Flow Interpreter::execute(const std::vector<NodePtr>& body, Text& out) {
  for (const NodePtr& node : body) {
    Flow flow = execute_node(*node, out);
    if (flow != Flow::kNormal) return flow;
  }
  return Flow::kNormal;
}

static void attach_position(RenderError& error, const Node& node) {
  if (error.line == 0) {
    error.line = node.line;
    error.column = node.column;
  }
}

Flow Interpreter::execute_node(const Node& node, Text& out) {
  count_step();
  DepthCounter depth(*this);
  try {
    switch (node.kind) {
      case NodeKind::kText:
        write(out, node.value.text());
        return Flow::kNormal;
      case NodeKind::kOutput:
        write(out, to_text(evaluate(*node.first)));
        return Flow::kNormal;
      case NodeKind::kIf:
        return execute(truthy(evaluate(*node.first)) ? node.body : node.else_body, out);
      case NodeKind::kFor:
        return execute_for(node, out);
      case NodeKind::kSet:
        execute_set(node);
        return Flow::kNormal;
      case NodeKind::kSetBlock: {
        Text captured;
        {
          ScopeGuard guard(*this, scope_);
          if (execute(node.body, captured) != Flow::kNormal) throw_error("'break' or 'continue' outside of a loop");
        }
        Value value = Value::string(std::move(captured));
        if (node.third) value = evaluate_filter_chain(*node.third, value);
        assign(*node.first, value, *scope_);
        return Flow::kNormal;
      }
      case NodeKind::kMacro:
        scope_->set(node.name, define_macro(node, node.name));
        return Flow::kNormal;
      case NodeKind::kCallBlock: {
        Value caller = define_macro(node, "caller");
        const Node& call = *node.first;
        Value callee = call.first->kind == NodeKind::kGetattr
                           ? get_attribute(evaluate(*call.first->first), call.first->name)
                           : evaluate(*call.first);
        Arguments arguments = evaluate_arguments(call);
        arguments.keyword.emplace_back("caller", caller);
        write(out, to_text(this->call(callee, arguments)));
        return Flow::kNormal;
      }
      case NodeKind::kFilterBlock: {
        Text captured;
        {
          ScopeGuard guard(*this, scope_);
          if (execute(node.body, captured) != Flow::kNormal) throw_error("'break' or 'continue' outside of a loop");
        }
        write(out, to_text(evaluate_filter_chain(*node.third, Value::string(std::move(captured)))));
        return Flow::kNormal;
      }
      case NodeKind::kWith: {
        std::vector<Value> values;
        for (const NodePtr& value : node.defaults) values.push_back(evaluate(*value));
        ScopeGuard guard(*this, scope_);
        for (std::size_t i = 0; i < node.parameters.size(); ++i) scope_->set(node.parameters[i], values[i]);
        return execute(node.body, out);
      }
      case NodeKind::kScope: {
        ScopeGuard guard(*this, scope_);
        return execute(node.body, out);
      }
      case NodeKind::kLoad:
        throw_error("'" + node.name + "' needs a template loader, and chat templates cannot load other templates");
      case NodeKind::kBreak:
        return Flow::kBreak;
      case NodeKind::kContinue:
        return Flow::kContinue;
      default:
        throw_error("expression used as a statement");
    }
  } catch (RenderError& error) {
    attach_position(error, node);
    throw;
  }
}

Flow Interpreter::execute_for(const Node& node, Text& out) {
  return run_loop(node, evaluate(*node.second), 0, out);
}

Flow Interpreter::run_loop(const Node& node, const Value& iterable, std::size_t depth0, Text& out) {
  std::vector<Value> items = iterate(iterable);
  if (node.third) {
    std::vector<Value> kept;
    for (Value& item : items) {
      ScopeGuard guard(*this, scope_);
      assign(*node.first, item, *scope_);
      if (truthy(evaluate(*node.third))) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    ScopeGuard guard(*this, scope_);
    return execute(node.else_body, out);  // break or continue here act on an enclosing loop
  }
  auto state = std::make_shared<LoopState>();
  loops_.push_back(state);
  state->depth0 = depth0;
  state->items = std::make_shared<const std::vector<Value>>(std::move(items));
  if (node.recursive) state->recurse = define_loop_recursion(node, depth0 + 1);
  Value loop = Value::loop(state);
  for (std::size_t i = 0; i < state->items->size(); ++i) {
    count_step();
    state->index0 = i;
    ScopeGuard guard(*this, scope_);
    assign(*node.first, (*state->items)[i], *scope_);
    scope_->set("loop", loop);
    if (execute(node.body, out) == Flow::kBreak) break;
  }
  return Flow::kNormal;
}

// loop(items) inside a recursive loop: the loop run again over items, one level deeper, in the scope
// the for statement ran in, its output returned as a string.
Value Interpreter::define_loop_recursion(const Node& node, std::size_t depth0) {
  std::shared_ptr<Scope> closure = scope_;
  closures_.push_back(closure);
  const Node* loop = &node;
  return Value::callable("loop", [closure, loop, depth0](Interpreter& interpreter, Arguments& arguments) -> Value {
    if (arguments.positional.size() != 1 || !arguments.keyword.empty()) {
      throw_error("loop() takes exactly one argument, the items to loop over");
    }
    if (interpreter.call_depth_ >= interpreter.limits_.max_call_depth) throw_error("maximum recursion depth exceeded");
    ++interpreter.call_depth_;
    struct Unwind {
      Interpreter& i;
      ~Unwind() { --i.call_depth_; }
    } unwind{interpreter};
    ScopeGuard guard(interpreter, closure);
    Text out;
    if (interpreter.run_loop(*loop, arguments.positional[0], depth0, out) != Flow::kNormal) {
      throw_error("'break' or 'continue' outside of a loop");
    }
    return Value::string(std::move(out));
  });
}

void Interpreter::assign(const Node& target, const Value& value, Scope& scope) {
  if (target.kind == NodeKind::kName) {
    scope.set(target.name, value);
    return;
  }
  if (target.kind == NodeKind::kTuple) {
    std::vector<Value> items = iterate(value);
    if (items.size() != target.arguments.size()) {
      throw_error(items.size() > target.arguments.size() ? "too many values to unpack"
                                                         : "not enough values to unpack");
    }
    for (std::size_t i = 0; i < items.size(); ++i) assign(*target.arguments[i], items[i], scope);
    return;
  }
  if (target.kind == NodeKind::kGetattr) {
    const Value* object = scope_->lookup(target.first->name);
    if (object == nullptr || !object->is_namespace()) throw_error("cannot assign attribute on non-namespace object");
    Namespace& ns = *object->namespace_data();
    if (Value* existing = ns.find(target.name)) {
      *existing = value;
    } else {
      ns.attributes.emplace_back(target.name, value);
    }
    return;
  }
  throw_error("can't assign to this expression");
}

void Interpreter::execute_set(const Node& node) { assign(*node.first, evaluate(*node.second), *scope_); }

Value Interpreter::define_macro(const Node& node, const std::string& name) {
  std::shared_ptr<Scope> closure = scope_;
  closures_.push_back(closure);
  const Node* macro = &node;
  return Value::callable(name, [closure, macro, name](Interpreter& interpreter, Arguments& arguments) -> Value {
    if (interpreter.call_depth_ >= interpreter.limits_.max_call_depth) throw_error("maximum recursion depth exceeded");
    ++interpreter.call_depth_;
    struct Unwind {
      Interpreter& i;
      ~Unwind() { --i.call_depth_; }
    } unwind{interpreter};
    ScopeGuard guard(interpreter, closure);
    Scope& scope = *interpreter.scope_;
    const std::vector<std::string>& parameters = macro->parameters;
    std::vector<bool> bound(parameters.size(), false);
    std::vector<Value> extra;
    for (std::size_t i = 0; i < arguments.positional.size(); ++i) {
      if (i < parameters.size()) {
        scope.set(parameters[i], arguments.positional[i]);
        bound[i] = true;
      } else if (macro->uses_varargs) {
        extra.push_back(arguments.positional[i]);
      } else {
        throw_error("macro '" + name + "' takes not more than " + std::to_string(parameters.size()) + " argument(s)");
      }
    }
    std::vector<std::pair<Value, Value>> extra_keywords;
    bool has_caller = false;
    for (auto& [key, value] : arguments.keyword) {
      bool matched = false;
      for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (parameters[i] == key) {
          if (bound[i]) throw_error("macro '" + name + "' got multiple values for argument '" + key + "'");
          scope.set(key, value);
          bound[i] = true;
          matched = true;
        }
      }
      if (matched) continue;
      if (key == "caller" && macro->uses_caller) {
        scope.set("caller", value);
        has_caller = true;
      } else if (macro->uses_kwargs) {
        extra_keywords.emplace_back(Value::string(key), value);
      } else {
        throw_error("macro '" + name + "' takes no keyword argument '" + key + "'");
      }
    }
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      if (bound[i]) continue;
      if (macro->defaults[i]) {
        scope.set(parameters[i], interpreter.evaluate(*macro->defaults[i]));
      } else {
        scope.set(parameters[i], Value::undefined("parameter '" + parameters[i] + "' was not provided"));
      }
    }
    if (macro->uses_varargs) scope.set("varargs", Value::list(std::move(extra), SequenceKind::kTuple));
    if (macro->uses_kwargs) scope.set("kwargs", Value::dict(std::move(extra_keywords)));
    if (macro->uses_caller && !has_caller) scope.set("caller", Value::undefined("No caller defined"));
    Text out;
    if (interpreter.execute(macro->body, out) != Flow::kNormal) throw_error("'break' or 'continue' outside of a loop");
    return Value::string(std::move(out));
  });
}

Value Interpreter::call(const Value& callee, Arguments& arguments) {
  if (callee.is_callable()) return callee.callable_data().call(*this, arguments);
  if (callee.is_loop()) {
    const Value& recurse = callee.loop_state()->recurse;
    if (!recurse.is_callable()) throw_error("The loop must have the 'recursive' marker to be called recursively.");
    return recurse.callable_data().call(*this, arguments);
  }
  if (callee.is_undefined()) throw_undefined(callee);
  throw_error("'" + type_name(callee) + "' object is not callable");
}

Value Interpreter::apply_filter(const std::string& name, const Value& input, Arguments& arguments) {
  return call_filter(*this, name, input, arguments);
}

bool Interpreter::apply_test(const std::string& name, const Value& input, Arguments& arguments) {
  return call_test(*this, name, input, arguments);
}

Value Interpreter::evaluate_filter_chain(const Node& node, const Value& input) {
  Value value = node.first ? evaluate_filter_chain(*node.first, input) : input;
  Arguments arguments = evaluate_arguments(node);
  return apply_filter(node.name, value, arguments);
}

void throw_undefined(const Value& undefined) {
  const std::string hint = undefined.is_undefined() && undefined.undefined_hint().empty() ? "value is undefined"
                                                                                           : undefined.undefined_hint();
  throw_error(hint);
}

const Value* argument(const Arguments& arguments, std::size_t index, std::string_view name) {
  if (index < arguments.positional.size()) return &arguments.positional[index];
  for (const auto& [key, value] : arguments.keyword) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace tessera::chat

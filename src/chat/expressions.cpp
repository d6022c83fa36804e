// Expression evaluation: operators, attribute and item access, slicing and calls, with the semantics
// of Python and jinja2's sandboxed environment.
#include <cmath>

#include <fmt/format.h>

#include "chat/interpreter.h"
#include "chat/python_format.h"

namespace tessera::chat {

namespace {

struct DepthScope {
  DepthScope(int& depth, int limit) : value(depth) {
    if (++value > limit) throw_error("maximum recursion depth exceeded");
  }
  ~DepthScope() { --value; }
  int& value;
};

void check_overflow(bool overflow) {
  if (overflow) throw_error("integer overflow");
}

Value repeat_sequence(Interpreter& interpreter, const Value& sequence, std::int64_t count) {
  if (count < 0) count = 0;
  if (sequence.is_string()) {
    const Text& text = sequence.text();
    if (!text.empty()) interpreter.check_size(text.size() * static_cast<std::uint64_t>(std::min<std::int64_t>(count, 1LL << 40)));
    Text out;
    for (std::int64_t i = 0; i < count; ++i) out.append(text);
    return Value::string(std::move(out));
  }
  const auto& items = sequence.items();
  if (!items.empty()) interpreter.check_items(items.size() * static_cast<std::uint64_t>(std::min<std::int64_t>(count, 1LL << 40)));
  std::vector<Value> out;
  for (std::int64_t i = 0; i < count; ++i) out.insert(out.end(), items.begin(), items.end());
  return Value::list(std::move(out), sequence.sequence_kind());
}

double floor_mod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

}  // namespace

Value Interpreter::binary(std::string_view op, const Value& left, const Value& right) {
  if (op == "~") {
    Text out = to_text(left);
    Text r = to_text(right);
    check_size(out.size() + r.size());
    out.append(r);
    return Value::string(std::move(out));
  }
  if (left.is_undefined()) throw_undefined(left);
  if (right.is_undefined()) throw_undefined(right);
  bool numbers = left.is_number() && right.is_number();
  bool floats = numbers && (left.is_float() || right.is_float());
  if (op == "+") {
    if (numbers) {
      if (floats) return Value::floating(left.as_double() + right.as_double());
      std::int64_t r = 0;
      check_overflow(__builtin_add_overflow(left.as_int(), right.as_int(), &r));
      return Value::integer(r);
    }
    if (left.is_markup() || right.is_markup()) {
      if (!(left.is_string() && right.is_string())) throw_error("unsupported operand type(s) for +: '" + type_name(left) + "' and '" + type_name(right) + "'");
      Text out = escape_html(left).text();
      out.append(escape_html(right).text());
      check_size(out.size());
      return Value::markup(std::move(out));
    }
    if (left.is_string() && right.is_string()) {
      check_size(left.str().size() + right.str().size());
      Text out = left.text();
      out.append(right.text());
      return Value::string(std::move(out));
    }
    if (left.is_sequence() && right.is_sequence() && left.sequence_kind() == right.sequence_kind()) {
      check_items(left.items().size() + right.items().size());
      std::vector<Value> items = left.items();
      items.insert(items.end(), right.items().begin(), right.items().end());
      return Value::list(std::move(items), left.sequence_kind());
    }
    if (left.is_string()) throw_error("can only concatenate str (not \"" + type_name(right) + "\") to str");
    if (left.is_sequence()) throw_error("can only concatenate " + type_name(left) + " (not \"" + type_name(right) + "\") to " + type_name(left));
    throw_error("unsupported operand type(s) for +: '" + type_name(left) + "' and '" + type_name(right) + "'");
  }
  if (op == "-" && numbers) {
    if (floats) return Value::floating(left.as_double() - right.as_double());
    std::int64_t r = 0;
    check_overflow(__builtin_sub_overflow(left.as_int(), right.as_int(), &r));
      return Value::integer(r);
  }
  if (op == "*") {
    if (numbers) {
      if (floats) return Value::floating(left.as_double() * right.as_double());
      std::int64_t r = 0;
      check_overflow(__builtin_mul_overflow(left.as_int(), right.as_int(), &r));
      return Value::integer(r);
    }
    bool left_sequence = left.is_string() || left.is_sequence();
    bool right_sequence = right.is_string() || right.is_sequence();
    if (left_sequence && (right.is_int() || right.is_bool())) return repeat_sequence(*this, left, right.as_int());
    if (right_sequence && (left.is_int() || left.is_bool())) return repeat_sequence(*this, right, left.as_int());
  }
  if (op == "/" && numbers) {
    if (right.as_double() == 0.0) throw_error("division by zero");
    return Value::floating(left.as_double() / right.as_double());
  }
  if (op == "//" && numbers) {
    if (right.as_double() == 0.0) throw_error("integer division or modulo by zero");
    if (floats) return Value::floating(std::floor(left.as_double() / right.as_double()));
    std::int64_t a = left.as_int();
    std::int64_t b = right.as_int();
    if (a == INT64_MIN && b == -1) throw_error("integer overflow");
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return Value::integer(q);
  }
  if (op == "%") {
    if (left.is_string()) {
      std::string formatted = percent_format(left.str(), right);
      check_size(formatted.size());
      return Value::string(std::move(formatted), contains_taint(left) || contains_taint(right));
    }
    if (numbers) {
      if (right.as_double() == 0.0) throw_error("integer division or modulo by zero");
      if (floats) return Value::floating(floor_mod(left.as_double(), right.as_double()));
      std::int64_t a = left.as_int();
      std::int64_t b = right.as_int();
      if (b == -1) return Value::integer(0);
      std::int64_t m = a % b;
      if (m != 0 && ((m < 0) != (b < 0))) m += b;
      return Value::integer(m);
    }
  }
  if (op == "**" && numbers) {
    if (!floats && right.as_int() >= 0) {
      std::int64_t base = left.as_int();
      std::int64_t exponent = right.as_int();
      std::int64_t result = 1;
      while (exponent > 0) {
        if (exponent & 1) check_overflow(__builtin_mul_overflow(result, base, &result));
        exponent >>= 1;
        if (exponent > 0) check_overflow(__builtin_mul_overflow(base, base, &base));
      }
      return Value::integer(result);
    }
    if (left.as_double() == 0.0 && right.as_double() < 0) throw_error("0.0 cannot be raised to a negative power");
    return Value::floating(std::pow(left.as_double(), right.as_double()));
  }
  throw_error("unsupported operand type(s) for " + std::string(op) + ": '" + type_name(left) + "' and '" + type_name(right) + "'");
}

bool Interpreter::contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case ValueKind::kString:
      if (!item.is_string()) throw_error("'in <string>' requires string as left operand, not " + type_name(item));
      return container.str().find(item.str()) != std::string::npos;
    case ValueKind::kDict: return container.dict_data().find(item) != nullptr;
    case ValueKind::kList:
      for (const Value& element : container.items()) {
        if (equals(element, item)) return true;
      }
      return false;
    case ValueKind::kUndefined: return false;
    default: throw_error("argument of type '" + type_name(container) + "' is not iterable");
  }
}

Value Interpreter::evaluate_compare(const Node& node) {
  Value left = evaluate(*node.first);
  for (std::size_t i = 0; i < node.operators.size(); ++i) {
    Value right = evaluate(*node.arguments[i]);
    const std::string& op = node.operators[i];
    bool result = false;
    if (op == "==") {
      result = equals(left, right);
    } else if (op == "!=") {
      result = !equals(left, right);
    } else if (op == "in") {
      result = contains(right, left);
    } else if (op == "notin") {
      result = !contains(right, left);
    } else {
      if (left.is_undefined()) throw_undefined(left);
      if (right.is_undefined()) throw_undefined(right);
      int c = compare(left, right);
      result = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    }
    if (!result) return Value::boolean(false);
    left = std::move(right);
  }
  return Value::boolean(true);
}

Arguments Interpreter::evaluate_arguments(const Node& node) {
  Arguments arguments;
  for (const NodePtr& argument : node.arguments) arguments.positional.push_back(evaluate(*argument));
  for (const auto& [key, value] : node.keywords) arguments.keyword.emplace_back(key, evaluate(*value));
  if (node.star_arguments) {
    for (Value& item : iterate(evaluate(*node.star_arguments))) arguments.positional.push_back(std::move(item));
    check_items(arguments.positional.size());
  }
  if (node.star_keywords) {
    Value mapping = evaluate(*node.star_keywords);
    if (!mapping.is_dict()) throw_error("argument after ** must be a mapping, not " + type_name(mapping));
    for (const auto& [key, value] : mapping.dict_data().entries) {
      if (!key.is_string()) throw_error("keywords must be strings");
      for (const auto& keyword : arguments.keyword) {
        if (keyword.first == key.str()) throw_error("got multiple values for keyword argument '" + keyword.first + "'");
      }
      arguments.keyword.emplace_back(key.str(), value);
    }
  }
  return arguments;
}

Value Interpreter::evaluate_call(const Node& node) {
  Value callee = evaluate(*node.first);
  Arguments arguments = evaluate_arguments(node);
  return call(callee, arguments);
}

Value Interpreter::get_attribute(const Value& object, std::string_view name) {
  if (object.is_undefined()) throw_undefined(object);
  bool dunder = name.size() >= 2 && name.substr(0, 2) == "__";
  Value method;
  if (find_method(object, name, method)) return method;
  if (dunder) {
    return Value::undefined("access to attribute '" + std::string(name) + "' of '" + type_name(object) + "' object is unsafe.", true);
  }
  switch (object.kind()) {
    case ValueKind::kDict:
      if (const Value* value = object.dict_data().find(name)) return *value;
      break;
    case ValueKind::kNamespace:
      if (const Value* value = object.namespace_data()->find(name)) return *value;
      break;
    case ValueKind::kLoop: {
      const LoopState& loop = *object.loop_state();
      const auto& items = *loop.items;
      auto size = static_cast<std::int64_t>(items.size());
      auto index0 = static_cast<std::int64_t>(loop.index0);
      if (name == "index") return Value::integer(index0 + 1);
      if (name == "index0") return Value::integer(index0);
      if (name == "revindex") return Value::integer(size - index0);
      if (name == "revindex0") return Value::integer(size - index0 - 1);
      if (name == "first") return Value::boolean(index0 == 0);
      if (name == "last") return Value::boolean(index0 + 1 == size);
      if (name == "length") return Value::integer(size);
      if (name == "depth") return Value::integer(static_cast<std::int64_t>(loop.depth0) + 1);
      if (name == "depth0") return Value::integer(static_cast<std::int64_t>(loop.depth0));
      if (name == "previtem") return index0 > 0 ? items[loop.index0 - 1] : Value::undefined("there is no previous item");
      if (name == "nextitem") return index0 + 1 < size ? items[loop.index0 + 1] : Value::undefined("there is no next item");
      if (name == "changed") {
        std::shared_ptr<LoopState> state = object.loop_state();
        return Value::callable("changed", [state](Interpreter&, Arguments& arguments) {
          if (!arguments.keyword.empty()) throw_error("changed() takes no keyword arguments");
          Value current = Value::list(arguments.positional, SequenceKind::kTuple);
          if (state->changed_called && equals(state->last_changed, current)) return Value::boolean(false);
          state->changed_called = true;
          state->last_changed = std::move(current);
          return Value::boolean(true);
        });
      }
      if (name == "cycle") {
        std::size_t index = loop.index0;
        return Value::callable("cycle", [index](Interpreter&, Arguments& arguments) {
          if (arguments.positional.empty()) throw_error("no items for cycling given");
          return arguments.positional[index % arguments.positional.size()];
        });
      }
      break;
    }
    default:
      break;
  }
  if (object.is_dict() || object.is_none()) {
    std::string owner = object.is_none() ? "None" : "'dict object'";
    return Value::undefined(owner + " has no attribute '" + std::string(name) + "'");
  }
  return Value::undefined("'" + type_name(object) + " object' has no attribute '" + std::string(name) + "'");
}

Value Interpreter::get_item(const Value& object, const Value& key) {
  if (object.is_undefined()) throw_undefined(object);
  if (object.is_dict()) {
    if (const Value* value = object.dict_data().find(key)) return *value;
  } else if ((object.is_sequence() || object.is_string()) && (key.is_int() || key.is_bool())) {
    std::int64_t index = key.as_int();
    if (object.is_string()) {
      std::vector<std::size_t> offsets = code_point_offsets(object.str());
      auto size = static_cast<std::int64_t>(offsets.size()) - 1;
      if (index < 0) index += size;
      if (index >= 0 && index < size) {
        auto i = static_cast<std::size_t>(index);
        return Value::string(object.text().substr(offsets[i], offsets[i + 1]));
      }
    } else {
      auto size = static_cast<std::int64_t>(object.items().size());
      if (index < 0) index += size;
      if (index >= 0 && index < size) return object.items()[static_cast<std::size_t>(index)];
    }
    std::string owner = object.is_string() ? "str object" : type_name(object) + " object";
    return Value::undefined(owner + " has no element " + std::to_string(key.as_int()));
  } else if (object.is_namespace() || object.is_loop()) {
    if (key.is_string()) return get_attribute(object, key.str());
  }
  if (key.is_string()) {
    Value method;
    if (find_method(object, key.str(), method)) return method;
  }
  if (object.is_none()) return Value::undefined(fmt::format("None has no element {}", repr(key)));
  return Value::undefined(fmt::format("'{} object' has no attribute {}", type_name(object), repr(key)));
}

Value Interpreter::evaluate_slice(const Value& object, const Node& slice) {
  Value bounds[3];
  const Node* parts[3] = {slice.first.get(), slice.second.get(), slice.third.get()};
  for (int i = 0; i < 3; ++i) {
    if (parts[i] != nullptr) bounds[i] = evaluate(*parts[i]);
  }
  if (object.is_undefined()) throw_undefined(object);
  bool sliceable = object.is_string() || object.is_sequence();
  for (const Value& bound : bounds) {
    bool valid = bound.is_undefined() || bound.is_none() || bound.is_int() || bound.is_bool();
    if (!valid) sliceable = false;
  }
  if (!sliceable) return Value::undefined("'" + type_name(object) + " object' is not subscriptable");
  std::vector<std::size_t> offsets;
  std::int64_t size = 0;
  if (object.is_string()) {
    offsets = code_point_offsets(object.str());
    size = static_cast<std::int64_t>(offsets.size()) - 1;
  } else {
    size = static_cast<std::int64_t>(object.items().size());
  }
  auto given = [](const Value& v) { return v.is_int() || v.is_bool(); };
  std::int64_t step = given(bounds[2]) ? bounds[2].as_int() : 1;
  if (step == 0) throw_error("slice step cannot be zero");
  // Python's PySlice_AdjustIndices.
  auto adjust = [&](const Value& v, std::int64_t fallback) {
    if (!given(v)) return fallback;
    std::int64_t i = v.as_int();
    if (i < 0) {
      i += size;
      if (i < 0) i = step < 0 ? -1 : 0;
    } else if (i >= size) {
      i = step < 0 ? size - 1 : size;
    }
    return i;
  };
  std::int64_t start = adjust(bounds[0], step < 0 ? size - 1 : 0);
  std::int64_t stop = adjust(bounds[1], step < 0 ? -1 : size);
  if (object.is_string()) {
    if (step == 1) {
      if (start >= stop) return Value::string(std::string());
      return Value::string(object.text().substr(offsets[static_cast<std::size_t>(start)], offsets[static_cast<std::size_t>(stop)]));
    }
    Text out;
    for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
      auto k = static_cast<std::size_t>(i);
      out.append(object.text().substr(offsets[k], offsets[k + 1]));
    }
    return Value::string(std::move(out));
  }
  std::vector<Value> items;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) items.push_back(object.items()[static_cast<std::size_t>(i)]);
  return Value::list(std::move(items), object.sequence_kind());
}

Value Interpreter::evaluate(const Node& node) {
  count_step();
  DepthScope depth(evaluation_depth_, limits_.max_evaluation_depth);
  try {
    switch (node.kind) {
      case NodeKind::kConstant:
        return node.value;
      case NodeKind::kName: {
        const Value* value = scope_->lookup(node.name);
        if (value == nullptr) return Value::undefined("'" + node.name + "' is undefined");
        return *value;
      }
      case NodeKind::kGetattr:
        return get_attribute(evaluate(*node.first), node.name);
      case NodeKind::kGetitem: {
        Value object = evaluate(*node.first);
        if (node.second->kind == NodeKind::kSlice) return evaluate_slice(object, *node.second);
        return get_item(object, evaluate(*node.second));
      }
      case NodeKind::kCall:
        return evaluate_call(node);
      case NodeKind::kFilter: {
        Value input = node.first ? evaluate(*node.first) : Value();
        Arguments arguments = evaluate_arguments(node);
        return apply_filter(node.name, input, arguments);
      }
      case NodeKind::kTest: {
        Value input = evaluate(*node.first);
        Arguments arguments = evaluate_arguments(node);
        bool result = apply_test(node.name, input, arguments);
        return Value::boolean(node.negated ? !result : result);
      }
      case NodeKind::kUnary: {
        Value operand = evaluate(*node.first);
        if (node.name == "not") return Value::boolean(!truthy(operand));
        if (operand.is_undefined()) throw_undefined(operand);
        if (!operand.is_number()) throw_error("bad operand type for unary " + node.name + ": '" + type_name(operand) + "'");
        if (node.name == "+") return operand.is_bool() ? Value::integer(operand.as_int()) : operand;
        if (operand.is_float()) return Value::floating(-operand.as_double());
        if (operand.as_int() == INT64_MIN) throw_error("integer overflow");
        return Value::integer(-operand.as_int());
      }
      case NodeKind::kBinary:
        return binary(node.name, evaluate(*node.first), evaluate(*node.second));
      case NodeKind::kAnd: {
        Value left = evaluate(*node.first);
        return truthy(left) ? evaluate(*node.second) : left;
      }
      case NodeKind::kOr: {
        Value left = evaluate(*node.first);
        return truthy(left) ? left : evaluate(*node.second);
      }
      case NodeKind::kCompare:
        return evaluate_compare(node);
      case NodeKind::kConditional:
        if (truthy(evaluate(*node.first))) return evaluate(*node.second);
        if (node.third) return evaluate(*node.third);
        return Value::undefined("the inline if-expression evaluated to false and no else section was defined.");
      case NodeKind::kList: case NodeKind::kTuple: {
        std::vector<Value> items;
        items.reserve(node.arguments.size());
        for (const NodePtr& item : node.arguments) items.push_back(evaluate(*item));
        return Value::list(std::move(items), node.kind == NodeKind::kList ? SequenceKind::kList : SequenceKind::kTuple);
      }
      case NodeKind::kDict: {
        std::vector<std::pair<Value, Value>> entries;
        for (std::size_t i = 0; i + 1 < node.arguments.size(); i += 2) {
          Value key = evaluate(*node.arguments[i]);
          Value value = evaluate(*node.arguments[i + 1]);
          if (key.is_list() && !(key.sequence_kind() == SequenceKind::kTuple)) throw_error("unhashable type: 'list'");
          if (key.is_dict()) throw_error("unhashable type: 'dict'");
          bool replaced = false;
          for (auto& entry : entries) {
            if (equals(entry.first, key)) {
              entry.second = value;
              replaced = true;
            }
          }
          if (!replaced) entries.emplace_back(std::move(key), std::move(value));
        }
        return Value::dict(std::move(entries));
      }
      default:
        throw_error("statement used as an expression");
    }
  } catch (RenderError& error) {
    if (error.line == 0) {
      error.line = node.line;
      error.column = node.column;
    }
    throw;
  }
}

}  // namespace tessera::chat

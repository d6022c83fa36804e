// jinja2's built-in tests (`x is defined`, `x is string`, `n is divisibleby 3`, ...).
#include <algorithm>
#include <cmath>

#include "chat/interpreter.h"
#include "chat/parser.h"

namespace tessera::chat {
namespace {

using Test = bool (*)(Interpreter&, const Value&, Arguments&);

const Value& required(const Arguments& arguments, std::string_view name) {
  const Value* value = argument(arguments, 0, name);
  if (value == nullptr) throw_error("test is missing its argument '" + std::string(name) + "'");
  return *value;
}

bool test_defined(Interpreter&, const Value& v, Arguments&) { return !v.is_undefined(); }
bool test_undefined(Interpreter&, const Value& v, Arguments&) { return v.is_undefined(); }
bool test_none(Interpreter&, const Value& v, Arguments&) { return v.is_none(); }
bool test_boolean(Interpreter&, const Value& v, Arguments&) { return v.is_bool(); }
bool test_true(Interpreter&, const Value& v, Arguments&) { return v.is_bool() && v.as_bool(); }
bool test_false(Interpreter&, const Value& v, Arguments&) { return v.is_bool() && !v.as_bool(); }
bool test_integer(Interpreter&, const Value& v, Arguments&) { return v.is_int(); }
bool test_float(Interpreter&, const Value& v, Arguments&) { return v.is_float(); }
bool test_number(Interpreter&, const Value& v, Arguments&) { return v.is_number(); }
bool test_string(Interpreter&, const Value& v, Arguments&) { return v.is_string(); }
bool test_mapping(Interpreter&, const Value& v, Arguments&) { return v.is_dict(); }
bool test_callable(Interpreter&, const Value& v, Arguments&) { return v.is_callable(); }
bool test_escaped(Interpreter&, const Value&, Arguments&) { return false; }

bool test_iterable(Interpreter&, const Value& v, Arguments&) {
  return v.is_undefined() || v.is_string() || v.is_list() || v.is_dict();
}

bool test_sequence(Interpreter&, const Value& v, Arguments&) {
  return v.is_undefined() || v.is_string() || v.is_dict() ||
         (v.is_list() && v.sequence_kind() != SequenceKind::kGenerator &&
          (v.is_sequence() || v.list_data().view_name.rfind("range", 0) == 0));
}

std::int64_t integer_of(const Value& v) {
  if (v.is_undefined()) throw_undefined(v);
  if (!v.is_number()) throw_error("unsupported operand type(s) for %: '" + type_name(v) + "' and 'int'");
  return v.is_float() ? static_cast<std::int64_t>(std::fmod(v.as_double(), 2.0)) : v.as_int();
}

bool test_odd(Interpreter&, const Value& v, Arguments&) { return integer_of(v) % 2 != 0; }
bool test_even(Interpreter&, const Value& v, Arguments&) { return integer_of(v) % 2 == 0; }

bool test_divisibleby(Interpreter& interpreter, const Value& v, Arguments& a) {
  Value remainder = interpreter.binary("%", v, required(a, "num"));
  return equals(remainder, Value::integer(0));
}

bool test_lower(Interpreter&, const Value& v, Arguments&) {
  std::string s = to_text(v).str();
  bool cased = false;
  for (char32_t c : to_code_points(s)) {
    if (is_upper_case(c)) return false;
    cased = cased || is_lower_case(c);
  }
  return cased;
}

bool test_upper(Interpreter&, const Value& v, Arguments&) {
  std::string s = to_text(v).str();
  bool cased = false;
  for (char32_t c : to_code_points(s)) {
    if (is_lower_case(c)) return false;
    cased = cased || is_upper_case(c);
  }
  return cased;
}

bool test_eq(Interpreter&, const Value& v, Arguments& a) { return equals(v, required(a, "other")); }
bool test_ne(Interpreter&, const Value& v, Arguments& a) { return !equals(v, required(a, "other")); }

int ordered(const Value& v, const Arguments& a) {
  const Value& other = required(a, "other");
  if (v.is_undefined()) throw_undefined(v);
  if (other.is_undefined()) throw_undefined(other);
  return compare(v, other);
}
bool test_lt(Interpreter&, const Value& v, Arguments& a) { return ordered(v, a) < 0; }
bool test_le(Interpreter&, const Value& v, Arguments& a) { return ordered(v, a) <= 0; }
bool test_gt(Interpreter&, const Value& v, Arguments& a) { return ordered(v, a) > 0; }
bool test_ge(Interpreter&, const Value& v, Arguments& a) { return ordered(v, a) >= 0; }

bool test_in(Interpreter& interpreter, const Value& v, Arguments& a) { return interpreter.contains(required(a, "seq"), v); }

bool test_sameas(Interpreter&, const Value& v, Arguments& a) {
  const Value& other = required(a, "other");
  if (v.is_none() || v.is_bool() || v.is_undefined()) return v.kind() == other.kind() && equals(v, other);
  if (v.is_int() && other.is_int()) return v.as_int() == other.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
  return false;
}

bool test_filter(Interpreter&, const Value& v, Arguments&) { return v.is_string() && is_known_filter(v.str()); }
bool test_test(Interpreter&, const Value& v, Arguments&) { return v.is_string() && is_known_test(v.str()); }

struct TestEntry {
  std::string_view name;
  Test test;
};

constexpr TestEntry kTests[] = {
    {"defined", test_defined}, {"undefined", test_undefined}, {"none", test_none}, {"boolean", test_boolean},
    {"true", test_true}, {"false", test_false}, {"integer", test_integer}, {"float", test_float},
    {"number", test_number}, {"string", test_string}, {"mapping", test_mapping}, {"callable", test_callable},
    {"escaped", test_escaped}, {"iterable", test_iterable}, {"sequence", test_sequence}, {"odd", test_odd},
    {"even", test_even}, {"divisibleby", test_divisibleby}, {"lower", test_lower}, {"upper", test_upper},
    {"eq", test_eq}, {"equalto", test_eq}, {"==", test_eq}, {"ne", test_ne}, {"!=", test_ne}, {"lt", test_lt},
    {"lessthan", test_lt}, {"<", test_lt}, {"le", test_le}, {"<=", test_le}, {"gt", test_gt},
    {"greaterthan", test_gt}, {">", test_gt}, {"ge", test_ge}, {">=", test_ge}, {"in", test_in},
    {"sameas", test_sameas}, {"filter", test_filter}, {"test", test_test},
};

}  // namespace

bool is_known_test(std::string_view name) {
  return std::any_of(std::begin(kTests), std::end(kTests), [&](const TestEntry& e) { return e.name == name; });
}

bool call_test(Interpreter& interpreter, const std::string& name, const Value& input, Arguments& arguments) {
  for (const TestEntry& entry : kTests) {
    if (entry.name == name) return entry.test(interpreter, input, arguments);
  }
  throw_error("No test named '" + name + "' found.");
}

}  // namespace tessera::chat

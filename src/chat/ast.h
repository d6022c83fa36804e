// Syntax tree of a template. One node type with a kind keeps the interpreter a single readable switch;
// the comment on each kind names the fields it uses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/value.h"

namespace tessera::chat {

enum class NodeKind : std::uint8_t {
  // Expressions
  kConstant,     // value
  kName,         // name
  kGetattr,      // first.name
  kGetitem,      // first[second]
  kSlice,        // first:second:third (each may be null)
  kCall,         // first(arguments, keywords)
  kFilter,       // first|name(arguments, keywords); first null inside filter blocks and set blocks
  kTest,         // first is [not: negated] name(arguments, keywords)
  kUnary,        // name in {"-", "+", "not"} applied to first
  kBinary,       // first name second, name in {+ - * / // % ** ~}
  kAnd,          // first and second
  kOr,           // first or second
  kCompare,      // first, then (operators[i], arguments[i]) pairwise
  kConditional,  // second if first else third (third may be null)
  kList,         // arguments
  kTuple,        // arguments
  kDict,         // arguments: key, value, key, value...
  // Statements
  kText,         // value (template literal text)
  kOutput,       // {{ first }}
  kIf,           // if first: body else: else_body (elif chains nest in else_body)
  kFor,          // for first in second [if third] [recursive]: body else: else_body
  kSet,          // set first = second
  kSetBlock,     // set first [| third filters] body endset
  kMacro,        // macro name(parameters = defaults) body
  kCallBlock,    // call(parameters = defaults) first body endcall
  kFilterBlock,  // filter third body endfilter
  kWith,         // with targets(parameters) = defaults: body
  kScope,        // body in a new scope (generation blocks)
  kLoad,         // include / import / from (name) of template first: an error when run, as there is no loader
  kBreak,
  kContinue,
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  NodeKind kind;
  int line = 0;
  int column = 0;
  std::string name;
  Value value;
  NodePtr first;
  NodePtr second;
  NodePtr third;
  std::vector<NodePtr> arguments;
  std::vector<std::pair<std::string, NodePtr>> keywords;
  NodePtr star_arguments;  // calls, filters, tests: f(*sequence) adds its items as positional arguments
  NodePtr star_keywords;   // calls, filters, tests: f(**mapping) adds its items as keyword arguments
  std::vector<std::string> operators;
  std::vector<NodePtr> body;
  std::vector<NodePtr> else_body;
  std::vector<std::string> parameters;
  std::vector<NodePtr> defaults;  // aligned with parameters; null where none
  bool negated = false;
  bool recursive = false;     // for loops: the body may call loop(items) to run itself one level deeper
  bool uses_varargs = false;  // macros: body reads `varargs`
  bool uses_kwargs = false;   // macros: body reads `kwargs`
  bool uses_caller = false;   // macros: body reads `caller`

  Node(NodeKind k, int l, int c) : kind(k), line(l), column(c) {}
};

}  // namespace tessera::chat

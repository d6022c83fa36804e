#include "chat/parser.h"

#include <initializer_list>

#include "chat/lexer.h"

namespace tessera::chat {
namespace {

constexpr int kMaxNesting = 200;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::vector<NodePtr> parse() {
    std::vector<NodePtr> body = subparse({});
    if (current().type != TokenType::kEnd) fail("unexpected token");
    return body;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxNesting) parser.fail("template nesting too deep");
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  const Token& current() const { return tokens_[position_]; }
  const Token& look() const { return tokens_[position_ + 1 < tokens_.size() ? position_ + 1 : position_]; }
  void advance() {
    if (position_ + 1 < tokens_.size()) ++position_;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw RenderError{message, current().line, current().column};
  }

  bool is_operator(std::string_view op) const { return current().type == TokenType::kOperator && current().value == op; }
  bool is_name(std::string_view name) const { return current().type == TokenType::kName && current().value == name; }
  bool skip_operator(std::string_view op) {
    if (!is_operator(op)) return false;
    advance();
    return true;
  }
  bool skip_name(std::string_view name) {
    if (!is_name(name)) return false;
    advance();
    return true;
  }
  void expect_operator(std::string_view op) {
    if (!skip_operator(op)) fail("expected '" + std::string(op) + "'");
  }
  std::string expect_name() {
    if (current().type != TokenType::kName) fail("expected name");
    std::string value = current().value;
    advance();
    return value;
  }
  void expect_name(std::string_view name) {
    if (!skip_name(name)) fail("expected '" + std::string(name) + "'");
  }
  void expect(TokenType type, const char* what) {
    if (current().type != type) fail(std::string("expected ") + what);
    advance();
  }

  NodePtr make(NodeKind kind) const { return std::make_unique<Node>(kind, current().line, current().column); }
  NodePtr make(NodeKind kind, const Node& at) const { return std::make_unique<Node>(kind, at.line, at.column); }

  bool at_end_name(std::initializer_list<std::string_view> names) const {
    for (std::string_view name : names) {
      if (is_name(name)) return true;
    }
    return false;
  }

  std::vector<NodePtr> subparse(std::initializer_list<std::string_view> end_names) {
    std::vector<NodePtr> body;
    while (current().type != TokenType::kEnd) {
      const Token& token = current();
      if (token.type == TokenType::kText) {
        NodePtr node = make(NodeKind::kText);
        node->value = Value::string(token.value);
        body.push_back(std::move(node));
        advance();
      } else if (token.type == TokenType::kVariableBegin) {
        advance();
        NodePtr node = make(NodeKind::kOutput);
        node->first = parse_tuple(false, true, {}, false);
        expect(TokenType::kVariableEnd, "end of print statement");
        body.push_back(std::move(node));
      } else if (token.type == TokenType::kBlockBegin) {
        advance();
        if (end_names.size() > 0 && at_end_name(end_names)) return body;
        body.push_back(parse_statement());
        expect(TokenType::kBlockEnd, "end of statement block");
      } else {
        fail("unexpected token");
      }
    }
    if (end_names.size() > 0) fail("Unexpected end of template. Jinja was looking for a closing tag: '" + std::string(*end_names.begin()) + "'");
    return body;
  }

  std::vector<NodePtr> parse_statements(std::initializer_list<std::string_view> end_names, bool drop_needle) {
    skip_operator(":");
    expect(TokenType::kBlockEnd, "end of statement block");
    std::vector<NodePtr> body = subparse(end_names);
    if (current().type == TokenType::kEnd) fail("unexpected end of template");
    if (drop_needle) advance();
    return body;
  }

  NodePtr parse_statement() {
    DepthGuard guard(*this);
    if (current().type != TokenType::kName) fail("tag name expected");
    const std::string tag = current().value;
    if (tag == "if") return parse_if();
    if (tag == "for") return parse_for();
    if (tag == "set") return parse_set();
    if (tag == "macro") return parse_macro();
    if (tag == "call") return parse_call_block();
    if (tag == "filter") return parse_filter_block();
    if (tag == "with") return parse_with();
    if (tag == "print") {
      NodePtr node = make(NodeKind::kOutput);
      advance();
      node->first = parse_tuple(false, true, {}, false);
      return node;
    }
    if (tag == "break" || tag == "continue") {
      NodePtr node = make(tag == "break" ? NodeKind::kBreak : NodeKind::kContinue);
      advance();
      return node;
    }
    if (tag == "generation") {
      NodePtr node = make(NodeKind::kScope);
      advance();
      node->body = parse_statements({"endgeneration"}, true);
      return node;
    }
    if (tag == "include" || tag == "import" || tag == "from") return parse_load(tag);
    if (tag == "block" || tag == "extends" || tag == "autoescape") {
      fail("tag '" + tag + "' is not supported in chat templates");
    }
    fail("Encountered unknown tag '" + tag + "'.");
  }

  NodePtr parse_if() {
    NodePtr node = make(NodeKind::kIf);
    advance();
    node->first = parse_tuple(false, false, {}, false);
    node->body = parse_statements({"elif", "else", "endif"}, false);
    Node* tail = node.get();
    while (true) {
      std::string which = current().value;
      advance();
      if (which == "elif") {
        NodePtr branch = make(NodeKind::kIf);
        branch->first = parse_tuple(false, false, {}, false);
        branch->body = parse_statements({"elif", "else", "endif"}, false);
        Node* next = branch.get();
        tail->else_body.push_back(std::move(branch));
        tail = next;
        continue;
      }
      if (which == "else") tail->else_body = parse_statements({"endif"}, true);
      break;
    }
    return node;
  }

  NodePtr parse_for() {
    NodePtr node = make(NodeKind::kFor);
    advance();
    node->first = parse_assign_target({"in"});
    expect_name("in");
    node->second = parse_tuple(false, false, {"recursive"}, false);
    if (skip_name("if")) node->third = parse_expression(true);
    node->recursive = skip_name("recursive");
    node->body = parse_statements({"endfor", "else"}, false);
    bool has_else = is_name("else");
    advance();
    if (has_else) node->else_body = parse_statements({"endfor"}, true);
    return node;
  }

  // {% include t [ignore missing] [with|without context] %}, {% import t as name [...context] %},
  // {% from t import a [as b], c [...context] %}. Parsed for their syntax; running one is an error.
  NodePtr parse_load(const std::string& tag) {
    NodePtr node = make(NodeKind::kLoad);
    node->name = tag;
    advance();
    node->first = parse_expression(true);
    if (tag == "include") {
      if (skip_name("ignore")) expect_name("missing");
    } else if (tag == "import") {
      expect_name("as");
      expect_name();
    } else {
      expect_name("import");
      bool first = true;
      while (true) {
        if (!first) expect_operator(",");
        first = false;
        if (current().type != TokenType::kName) fail("expected name");
        if (at_context_modifier()) break;
        node->parameters.push_back(expect_name());
        if (skip_name("as")) expect_name();
        if (at_context_modifier() || !is_operator(",")) break;
      }
    }
    if (at_context_modifier()) {
      advance();
      expect_name("context");
    }
    return node;
  }

  bool at_context_modifier() const {
    return (is_name("with") || is_name("without")) && look().type == TokenType::kName && look().value == "context";
  }

  NodePtr parse_set() {
    NodePtr start = make(NodeKind::kSet);
    advance();
    NodePtr target;
    if (current().type == TokenType::kName && look().type == TokenType::kOperator && look().value == ".") {
      target = make(NodeKind::kGetattr);
      NodePtr object = make(NodeKind::kName);
      object->name = expect_name();
      advance();
      target->name = expect_name();
      target->first = std::move(object);
    } else {
      target = parse_assign_target({});
    }
    if (skip_operator("=")) {
      start->first = std::move(target);
      start->second = parse_tuple(false, true, {}, false);
      return start;
    }
    NodePtr block = make(NodeKind::kSetBlock, *start);
    block->first = std::move(target);
    if (is_operator("|")) block->third = parse_filter(nullptr, false);
    block->body = parse_statements({"endset"}, true);
    return block;
  }

  void parse_signature(Node& node) {
    expect_operator("(");
    while (!is_operator(")")) {
      if (!node.parameters.empty()) expect_operator(",");
      std::string name = expect_name();
      NodePtr default_value;
      if (skip_operator("=")) {
        default_value = parse_expression(true);
      } else if (!node.defaults.empty() && node.defaults.back() != nullptr) {
        fail("non-default argument follows default argument");
      }
      node.parameters.push_back(std::move(name));
      node.defaults.push_back(std::move(default_value));
    }
    expect_operator(")");
  }

  NodePtr parse_macro() {
    NodePtr node = make(NodeKind::kMacro);
    advance();
    node->name = expect_name();
    parse_signature(*node);
    node->body = parse_statements({"endmacro"}, true);
    return node;
  }

  NodePtr parse_call_block() {
    NodePtr node = make(NodeKind::kCallBlock);
    advance();
    if (is_operator("(")) parse_signature(*node);
    node->first = parse_expression(true);
    if (node->first->kind != NodeKind::kCall) fail("expected call");
    node->body = parse_statements({"endcall"}, true);
    return node;
  }

  NodePtr parse_filter_block() {
    NodePtr node = make(NodeKind::kFilterBlock);
    advance();
    node->third = parse_filter(nullptr, true);
    node->body = parse_statements({"endfilter"}, true);
    return node;
  }

  NodePtr parse_with() {
    NodePtr node = make(NodeKind::kWith);
    advance();
    while (current().type != TokenType::kBlockEnd) {
      if (!node->parameters.empty()) expect_operator(",");
      node->parameters.push_back(expect_name());
      expect_operator("=");
      node->defaults.push_back(parse_expression(true));
    }
    node->body = parse_statements({"endwith"}, true);
    return node;
  }

  // A name or a tuple of names, as for loops and set statements bind.
  NodePtr parse_assign_target(std::initializer_list<std::string_view> extra_end) {
    NodePtr target = parse_tuple(true, false, extra_end, false);
    auto assignable = [](const Node& n) {
      return n.kind == NodeKind::kName && n.name != "true" && n.name != "false" && n.name != "none" &&
             n.name != "True" && n.name != "False" && n.name != "None";
    };
    if (target->kind == NodeKind::kTuple) {
      for (const NodePtr& item : target->arguments) {
        if (!assignable(*item)) fail("can't assign to this expression");
      }
    } else if (!assignable(*target)) {
      fail("can't assign to this expression");
    }
    return target;
  }

  bool is_tuple_end(std::initializer_list<std::string_view> extra_end) const {
    TokenType t = current().type;
    if (t == TokenType::kVariableEnd || t == TokenType::kBlockEnd || is_operator(")")) return true;
    return at_end_name(extra_end);
  }

  NodePtr parse_tuple(bool simplified, bool with_conditional, std::initializer_list<std::string_view> extra_end,
                      bool explicit_parentheses) {
    NodePtr tuple = make(NodeKind::kTuple);
    bool is_tuple = false;
    while (true) {
      if (!tuple->arguments.empty()) expect_operator(",");
      if (is_tuple_end(extra_end)) break;
      if (simplified) {
        tuple->arguments.push_back(parse_primary());
      } else {
        tuple->arguments.push_back(parse_expression(with_conditional));
      }
      if (is_operator(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple) {
      if (!tuple->arguments.empty()) return std::move(tuple->arguments[0]);
      if (!explicit_parentheses) fail("Expected an expression");
    }
    return tuple;
  }

  NodePtr parse_expression(bool with_conditional) {
    DepthGuard guard(*this);
    return with_conditional ? parse_conditional() : parse_or();
  }

  NodePtr parse_conditional() {
    NodePtr expression = parse_or();
    while (is_name("if")) {
      NodePtr node = make(NodeKind::kConditional);
      advance();
      node->first = parse_or();
      if (skip_name("else")) node->third = parse_conditional();
      node->second = std::move(expression);
      expression = std::move(node);
    }
    return expression;
  }

  NodePtr parse_binary_chain(NodeKind kind, std::string_view keyword, NodePtr (Parser::*next)()) {
    NodePtr left = (this->*next)();
    while (is_name(keyword)) {
      NodePtr node = make(kind);
      advance();
      node->first = std::move(left);
      node->second = (this->*next)();
      left = std::move(node);
    }
    return left;
  }

  NodePtr parse_or() { return parse_binary_chain(NodeKind::kOr, "or", &Parser::parse_and); }
  NodePtr parse_and() { return parse_binary_chain(NodeKind::kAnd, "and", &Parser::parse_not); }

  NodePtr parse_not() {
    if (is_name("not")) {
      DepthGuard guard(*this);
      NodePtr node = make(NodeKind::kUnary);
      node->name = "not";
      advance();
      node->first = parse_not();
      return node;
    }
    return parse_compare();
  }

  NodePtr parse_compare() {
    NodePtr first = parse_math1();
    NodePtr node;
    while (true) {
      std::string op;
      if (current().type == TokenType::kOperator &&
          (current().value == "==" || current().value == "!=" || current().value == "<" || current().value == "<=" ||
           current().value == ">" || current().value == ">=")) {
        op = current().value;
        advance();
      } else if (is_name("in")) {
        op = "in";
        advance();
      } else if (is_name("not") && look().type == TokenType::kName && look().value == "in") {
        op = "notin";
        advance();
        advance();
      } else {
        break;
      }
      if (!node) node = make(NodeKind::kCompare, *first);
      node->operators.push_back(op);
      node->arguments.push_back(parse_math1());
    }
    if (!node) return first;
    node->first = std::move(first);
    return node;
  }

  NodePtr parse_operator_chain(std::initializer_list<std::string_view> ops, NodePtr (Parser::*next)()) {
    NodePtr left = (this->*next)();
    while (current().type == TokenType::kOperator) {
      bool matched = false;
      for (std::string_view op : ops) matched = matched || current().value == op;
      if (!matched) break;
      NodePtr node = make(NodeKind::kBinary);
      node->name = current().value;
      advance();
      node->first = std::move(left);
      node->second = (this->*next)();
      left = std::move(node);
    }
    return left;
  }

  NodePtr parse_math1() { return parse_operator_chain({"+", "-"}, &Parser::parse_concat); }
  NodePtr parse_concat() { return parse_operator_chain({"~"}, &Parser::parse_math2); }
  NodePtr parse_math2() { return parse_operator_chain({"*", "/", "//", "%"}, &Parser::parse_pow); }
  NodePtr parse_pow() { return parse_operator_chain({"**"}, &Parser::parse_unary_filtered); }
  NodePtr parse_unary_filtered() { return parse_unary(true); }

  NodePtr parse_unary(bool with_filter) {
    DepthGuard guard(*this);
    NodePtr node;
    if (is_operator("-") || is_operator("+")) {
      node = make(NodeKind::kUnary);
      node->name = current().value;
      advance();
      node->first = parse_unary(false);
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expression(std::move(node));
    return node;
  }

  NodePtr parse_primary() {
    DepthGuard guard(*this);
    const Token& token = current();
    NodePtr node;
    if (token.type == TokenType::kName) {
      node = make(NodeKind::kConstant);
      if (token.value == "true" || token.value == "True") {
        node->value = Value::boolean(true);
      } else if (token.value == "false" || token.value == "False") {
        node->value = Value::boolean(false);
      } else if (token.value == "none" || token.value == "None") {
        node->value = Value::none();
      } else {
        node->kind = NodeKind::kName;
        node->name = token.value;
      }
      advance();
    } else if (token.type == TokenType::kString) {
      node = make(NodeKind::kConstant);
      std::string text;
      while (current().type == TokenType::kString) {
        text += current().value;
        advance();
      }
      node->value = Value::string(std::move(text));
    } else if (token.type == TokenType::kInteger) {
      node = make(NodeKind::kConstant);
      node->value = Value::integer(token.integer);
      advance();
    } else if (token.type == TokenType::kFloat) {
      node = make(NodeKind::kConstant);
      node->value = Value::floating(token.number);
      advance();
    } else if (is_operator("(")) {
      advance();
      node = parse_tuple(false, true, {}, true);
      expect_operator(")");
    } else if (is_operator("[")) {
      node = make(NodeKind::kList);
      advance();
      while (!is_operator("]")) {
        if (!node->arguments.empty()) expect_operator(",");
        if (is_operator("]")) break;
        node->arguments.push_back(parse_expression(true));
      }
      expect_operator("]");
    } else if (is_operator("{")) {
      node = make(NodeKind::kDict);
      advance();
      while (!is_operator("}")) {
        if (!node->arguments.empty()) expect_operator(",");
        if (is_operator("}")) break;
        node->arguments.push_back(parse_expression(true));
        expect_operator(":");
        node->arguments.push_back(parse_expression(true));
      }
      expect_operator("}");
    } else {
      fail(token.type == TokenType::kEnd ? "unexpected end of template" : "unexpected '" + token.value + "'");
    }
    return node;
  }

  NodePtr parse_postfix(NodePtr node) {
    while (true) {
      if (is_operator(".") || is_operator("[")) {
        node = parse_subscript(std::move(node));
      } else if (is_operator("(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  NodePtr parse_filter_expression(NodePtr node) {
    while (true) {
      if (is_operator("|")) {
        node = parse_filter(std::move(node), false);
      } else if (is_name("is")) {
        node = parse_test(std::move(node));
      } else if (is_operator("(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  NodePtr parse_subscript(NodePtr object) {
    DepthGuard guard(*this);
    if (skip_operator(".")) {
      if (current().type == TokenType::kName) {
        NodePtr node = make(NodeKind::kGetattr, *object);
        node->name = current().value;
        node->first = std::move(object);
        advance();
        return node;
      }
      if (current().type != TokenType::kInteger) fail("expected name or number");
      NodePtr node = make(NodeKind::kGetitem, *object);
      node->second = make(NodeKind::kConstant);
      node->second->value = Value::integer(current().integer);
      node->first = std::move(object);
      advance();
      return node;
    }
    expect_operator("[");
    NodePtr node = make(NodeKind::kGetitem, *object);
    std::vector<NodePtr> arguments;
    while (!is_operator("]")) {
      if (!arguments.empty()) expect_operator(",");
      arguments.push_back(parse_subscribed());
    }
    expect_operator("]");
    if (arguments.size() == 1) {
      node->second = std::move(arguments[0]);
    } else {
      node->second = make(NodeKind::kTuple, *node);
      node->second->arguments = std::move(arguments);
    }
    node->first = std::move(object);
    return node;
  }

  NodePtr parse_subscribed() {
    NodePtr start;
    if (!is_operator(":")) {
      start = parse_expression(true);
      if (!is_operator(":")) return start;
    }
    NodePtr slice = make(NodeKind::kSlice);
    advance();
    slice->first = std::move(start);
    if (!is_operator(":") && !is_operator("]") && !is_operator(",")) slice->second = parse_expression(true);
    if (skip_operator(":")) {
      if (!is_operator("]") && !is_operator(",")) slice->third = parse_expression(true);
    }
    return slice;
  }

  void parse_call_arguments(Node& node) {
    expect_operator("(");
    bool require_comma = false;
    while (!is_operator(")")) {
      if (require_comma) {
        expect_operator(",");
        if (is_operator(")")) break;
      }
      // As jinja2: positional arguments first, then keywords and one *sequence, then one **mapping.
      if (is_operator("*")) {
        if (node.star_arguments || node.star_keywords) fail("invalid syntax for function call expression");
        advance();
        node.star_arguments = parse_expression(true);
      } else if (is_operator("**")) {
        if (node.star_keywords) fail("invalid syntax for function call expression");
        advance();
        node.star_keywords = parse_expression(true);
      } else if (current().type == TokenType::kName && look().type == TokenType::kOperator && look().value == "=") {
        if (node.star_keywords) fail("invalid syntax for function call expression");
        std::string key = current().value;
        advance();
        advance();
        node.keywords.emplace_back(std::move(key), parse_expression(true));
      } else {
        if (!node.keywords.empty() || node.star_arguments || node.star_keywords) {
          fail("invalid syntax for function call expression");
        }
        node.arguments.push_back(parse_expression(true));
      }
      require_comma = true;
    }
    expect_operator(")");
  }

  NodePtr parse_call(NodePtr callee) {
    DepthGuard guard(*this);
    NodePtr node = make(NodeKind::kCall, *callee);
    parse_call_arguments(*node);
    node->first = std::move(callee);
    return node;
  }

  std::string parse_dotted_name() {
    std::string name = expect_name();
    while (skip_operator(".")) name += "." + expect_name();
    return name;
  }

  NodePtr parse_filter(NodePtr node, bool start_inline) {
    while (is_operator("|") || start_inline) {
      DepthGuard guard(*this);
      if (!start_inline) advance();
      start_inline = false;
      NodePtr filter = make(NodeKind::kFilter);
      filter->name = parse_dotted_name();
      if (is_operator("(")) parse_call_arguments(*filter);
      filter->first = std::move(node);
      node = std::move(filter);
    }
    return node;
  }

  NodePtr parse_test(NodePtr node) {
    DepthGuard guard(*this);
    NodePtr test = make(NodeKind::kTest);
    advance();
    test->negated = skip_name("not");
    test->name = parse_dotted_name();
    TokenType t = current().type;
    if (is_operator("(")) {
      parse_call_arguments(*test);
    } else if ((t == TokenType::kName || t == TokenType::kString || t == TokenType::kInteger || t == TokenType::kFloat ||
                is_operator("(") || is_operator("[") || is_operator("{")) &&
               !is_name("else") && !is_name("or") && !is_name("and")) {
      if (is_name("is")) fail("You cannot chain multiple tests with is");
      test->arguments.push_back(parse_postfix(parse_primary()));
    }
    test->first = std::move(node);
    return test;
  }

  std::vector<Token> tokens_;
  std::size_t position_ = 0;
  int depth_ = 0;
};

// Mirrors jinja2's compile-time checks: unknown filters and tests fail unless inside an `if` branch
// or conditional expression, where they fail only when evaluated. Also records which of the names
// `varargs`, `kwargs` and `caller` a macro body reads.
class Checker {
 public:
  void check_all(const std::vector<NodePtr>& nodes, bool soft) {
    for (const NodePtr& node : nodes) check(node.get(), soft);
  }

  void check(Node* node, bool soft) {
    if (node == nullptr) return;
    switch (node->kind) {
      case NodeKind::kFilter:
        if (!soft && !is_known_filter(node->name)) fail(*node, "No filter named '" + node->name + "'.");
        break;
      case NodeKind::kTest:
        if (!soft && !is_known_test(node->name)) fail(*node, "No test named '" + node->name + "'.");
        break;
      case NodeKind::kName:
        for (Node* macro : macros_) {
          if (node->name == "varargs") macro->uses_varargs = true;
          if (node->name == "kwargs") macro->uses_kwargs = true;
          if (node->name == "caller") macro->uses_caller = true;
        }
        break;
      case NodeKind::kIf:
        check(node->first.get(), true);
        check_all(node->body, true);
        check_all(node->else_body, true);
        return;
      case NodeKind::kConditional:
        soft = true;
        break;
      case NodeKind::kFor:
        check(node->second.get(), soft);
        check(node->first.get(), false);
        check(node->third.get(), false);
        check_all(node->body, false);
        check_all(node->else_body, false);
        return;
      case NodeKind::kMacro: {
        macros_.push_back(node);
        for (const NodePtr& d : node->defaults) check(d.get(), false);
        check_all(node->body, false);
        macros_.pop_back();
        return;
      }
      case NodeKind::kCallBlock:
        check(node->first.get(), soft);
        for (const NodePtr& d : node->defaults) check(d.get(), false);
        check_all(node->body, false);
        return;
      case NodeKind::kFilterBlock: case NodeKind::kSetBlock: case NodeKind::kWith: case NodeKind::kScope:
        soft = false;
        break;
      default:
        break;
    }
    check(node->first.get(), soft);
    check(node->second.get(), soft);
    check(node->third.get(), soft);
    check_all(node->arguments, soft);
    for (auto& [key, value] : node->keywords) check(value.get(), soft);
    for (const NodePtr& d : node->defaults) check(d.get(), soft);
    check_all(node->body, soft);
    check_all(node->else_body, soft);
  }

 private:
  [[noreturn]] static void fail(const Node& node, std::string message) {
    throw RenderError{std::move(message), node.line, node.column};
  }
  std::vector<Node*> macros_;
};

}  // namespace

std::vector<NodePtr> parse_template(std::string_view source) {
  std::vector<NodePtr> body = Parser(tokenize(source)).parse();
  Checker().check_all(body, false);
  return body;
}

}  // namespace tessera::chat

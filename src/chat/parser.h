// Parser: tokens to syntax tree, following jinja2's grammar and operator precedence.
#pragma once

#include <string_view>
#include <vector>

#include "chat/ast.h"

namespace tessera::chat {

// Throws RenderError (with line and column) on a syntax error or, like jinja2's compiler, on an
// unknown filter or test outside an `if` branch.
std::vector<NodePtr> parse_template(std::string_view source);

bool is_known_filter(std::string_view name);
bool is_known_test(std::string_view name);

}  // namespace tessera::chat

// Lexer: turns template source into tokens with jinja2's rules for whitespace control as Hugging Face
// configures it (trim_blocks, lstrip_blocks, '-' and '+' modifiers, raw blocks, comments).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::chat {

enum class TokenType : std::uint8_t {
  kText, kVariableBegin, kVariableEnd, kBlockBegin, kBlockEnd, kName, kString, kInteger, kFloat, kOperator, kEnd,
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string value;  // text, name, decoded string literal or operator
  std::int64_t integer = 0;
  double number = 0.0;
  int line = 1;
  int column = 1;
};

// Throws RenderError (with line and column) on malformed input.
std::vector<Token> tokenize(std::string_view source);

}  // namespace tessera::chat

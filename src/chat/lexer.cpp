#include "chat/lexer.h"

#include <cmath>
#include <cstdlib>

#include "chat/text.h"
#include "chat/value.h"

namespace tessera::chat {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// Python's str.rstrip() on the text before a '-' tag.
std::string rstrip_python(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    std::size_t position = start;
    char32_t c = decode_utf8(text, position);
    if (!is_python_space(c)) break;
    end = start;
  }
  return std::string(text.substr(0, end));
}

class Lexer {
 public:
  explicit Lexer(std::string source) : source_(std::move(source)) {}

  std::vector<Token> run() {
    std::size_t n = source_.size();
    while (position_ < n) {
      std::size_t tag = find_tag(position_);
      if (tag == std::string::npos) {
        emit_text(source_.substr(position_), position_);
        break;
      }
      char kind = source_[tag + 1];
      char sign = tag + 2 < n && (source_[tag + 2] == '-' || source_[tag + 2] == '+') ? source_[tag + 2] : 0;
      std::size_t raw_end = kind == '%' ? match_raw_begin(tag) : std::string::npos;
      std::string text = source_.substr(position_, tag - position_);
      std::size_t text_start = position_;
      if (sign == '-') {
        text = rstrip_python(text);
      } else if (sign != '+' && kind != '{') {
        std::size_t line_start = text.rfind('\n');
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        if (line_start > 0 || line_starting_) {
          if (text.find_first_not_of(" \t", line_start) == std::string::npos) text.resize(line_start);
        }
      }
      emit_text(text, text_start);
      if (raw_end != std::string::npos) {
        lex_raw(raw_end);
      } else if (kind == '#') {
        lex_comment(tag + 2 + (sign != 0 ? 1 : 0));
      } else {
        push(kind == '%' ? TokenType::kBlockBegin : TokenType::kVariableBegin, "", tag);
        lex_tag(tag + 2 + (sign != 0 ? 1 : 0), kind == '%');
      }
    }
    push(TokenType::kEnd, "", source_.size());
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(const std::string& message, std::size_t offset) {
    RenderError error{message, 1, 1};
    locate(offset, error.line, error.column);
    throw error;
  }

  void locate(std::size_t offset, int& line, int& column) {
    // Incremental: tokens are produced in order, so lines are counted once.
    if (offset < located_offset_) {
      located_offset_ = 0;
      located_line_ = 1;
      located_column_ = 1;
    }
    for (; located_offset_ < offset && located_offset_ < source_.size(); ++located_offset_) {
      if (source_[located_offset_] == '\n') {
        ++located_line_;
        located_column_ = 1;
      } else if ((static_cast<unsigned char>(source_[located_offset_]) & 0xC0) != 0x80) {
        ++located_column_;
      }
    }
    line = located_line_;
    column = located_column_;
  }

  void push(TokenType type, std::string value, std::size_t offset) {
    Token token;
    token.type = type;
    token.value = std::move(value);
    locate(offset, token.line, token.column);
    tokens_.push_back(std::move(token));
  }

  void emit_text(std::string text, std::size_t offset) {
    if (!text.empty()) push(TokenType::kText, std::move(text), offset);
  }

  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = source_.find('{', from); i != std::string::npos; i = source_.find('{', i + 1)) {
      if (i + 1 < source_.size() && (source_[i + 1] == '{' || source_[i + 1] == '%' || source_[i + 1] == '#')) return i;
    }
    return std::string::npos;
  }

  std::size_t skip_spaces(std::size_t i) const {
    while (i < source_.size() && is_space(source_[i])) ++i;
    return i;
  }

  bool starts_with(std::size_t i, std::string_view text) const {
    return source_.compare(i, text.size(), text) == 0 && i + text.size() <= source_.size();
  }

  // `{%[-+]?\s*raw\s*(-%}\s*|%})`: returns the offset after the match, or npos.
  std::size_t match_raw_begin(std::size_t tag) const {
    std::size_t i = tag + 2;
    if (i < source_.size() && (source_[i] == '-' || source_[i] == '+')) ++i;
    i = skip_spaces(i);
    if (!starts_with(i, "raw")) return std::string::npos;
    i = skip_spaces(i + 3);
    if (starts_with(i, "-%}")) return skip_spaces(i + 3);
    if (starts_with(i, "%}")) return i + 2;
    return std::string::npos;
  }

  // Consumes a tag end at i (`+END`, `-END` plus whitespace, or END plus one newline when trimming).
  std::size_t consume_end(std::size_t i, std::string_view end, bool trim_newline) {
    std::size_t after;
    if (source_[i] == '+') {
      after = i + 1 + end.size();
    } else if (source_[i] == '-') {
      after = skip_spaces(i + 1 + end.size());
    } else {
      after = i + end.size();
      if (trim_newline && after < source_.size() && source_[after] == '\n') ++after;
    }
    line_starting_ = after > 0 && source_[after - 1] == '\n';
    return after;
  }

  void lex_comment(std::size_t i) {
    for (; i < source_.size(); ++i) {
      if (starts_with(i, "+#}") || starts_with(i, "-#}") || starts_with(i, "#}")) {
        position_ = consume_end(i, "#}", true);
        return;
      }
    }
    fail("Missing end of comment tag", i);
  }

  void lex_raw(std::size_t i) {
    for (std::size_t j = source_.find("{%", i); j != std::string::npos; j = source_.find("{%", j + 1)) {
      std::size_t k = j + 2;
      char sign = k < source_.size() && (source_[k] == '-' || source_[k] == '+') ? source_[k] : 0;
      if (sign != 0) ++k;
      k = skip_spaces(k);
      if (!starts_with(k, "endraw")) continue;
      k = skip_spaces(k + 6);
      if (!(starts_with(k, "+%}") || starts_with(k, "-%}") || starts_with(k, "%}"))) continue;
      std::string text = source_.substr(i, j - i);
      if (sign == '-') {
        text = rstrip_python(text);
      } else if (sign != '+') {
        std::size_t line_start = text.rfind('\n');
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        if ((line_start > 0 || line_starting_) && text.find_first_not_of(" \t", line_start) == std::string::npos) {
          text.resize(line_start);
        }
      }
      emit_text(text, i);
      position_ = consume_end(k, "%}", true);
      return;
    }
    fail("Missing end of raw directive", i);
  }

  void lex_tag(std::size_t i, bool block) {
    std::string_view end = block ? "%}" : "}}";
    std::vector<char> balance;
    while (true) {
      if (i >= source_.size()) fail(block ? "unexpected end of template, expected end of block" : "unexpected end of template, expected end of print statement", i);
      if (balance.empty()) {
        bool matched = starts_with(i, end) || (source_[i] == '-' && starts_with(i + 1, end)) ||
                       (block && source_[i] == '+' && starts_with(i + 1, end));
        if (matched) {
          push(block ? TokenType::kBlockEnd : TokenType::kVariableEnd, "", i);
          position_ = consume_end(i, end, block);
          return;
        }
      }
      char c = source_[i];
      if (is_space(c)) {
        ++i;
      } else if (is_digit(c)) {
        i = lex_number(i);
      } else if (is_name_start(c)) {
        std::size_t start = i;
        while (i < source_.size() && is_name_char(source_[i])) ++i;
        push(TokenType::kName, source_.substr(start, i - start), start);
      } else if (c == '\'' || c == '"') {
        i = lex_string(i);
      } else {
        i = lex_operator(i, balance);
      }
    }
  }

  std::size_t lex_digits(std::size_t i, std::string& digits) const {
    // (\d+_)*\d+
    while (i < source_.size() && is_digit(source_[i])) {
      digits.push_back(source_[i++]);
      if (i + 1 < source_.size() && source_[i] == '_' && is_digit(source_[i + 1])) ++i;
    }
    return i;
  }

  std::size_t lex_number(std::size_t start) {
    std::string digits;
    std::size_t i = lex_digits(start, digits);
    bool is_float = false;
    std::string fraction;
    if (i + 1 < source_.size() && source_[i] == '.' && is_digit(source_[i + 1]) &&
        !(start > 0 && source_[start - 1] == '.')) {
      std::size_t j = lex_digits(i + 1, fraction);
      i = j;
      is_float = true;
    }
    std::string exponent;
    if (i < source_.size() && (source_[i] == 'e' || source_[i] == 'E') && !(start > 0 && source_[start - 1] == '.')) {
      std::size_t j = i + 1;
      std::string sign;
      if (j < source_.size() && (source_[j] == '+' || source_[j] == '-')) sign = source_[j++];
      if (j < source_.size() && is_digit(source_[j])) {
        j = lex_digits(j, exponent);
        exponent = sign + exponent;
        i = j;
        is_float = true;
      }
    }
    if (is_float) {
      std::string literal = digits + (fraction.empty() ? "" : "." + fraction) + (exponent.empty() ? "" : "e" + exponent);
      Token token;
      push(TokenType::kFloat, literal, start);
      tokens_.back().number = std::strtod(literal.c_str(), nullptr);
      return i;
    }
    // Integers: 0x/0o/0b prefixes and decimal.
    std::int64_t value = 0;
    int base = 10;
    std::size_t j = start;
    if (source_[start] == '0' && start + 1 < source_.size()) {
      char p = static_cast<char>(source_[start + 1] | 0x20);
      if (p == 'x') base = 16;
      if (p == 'o') base = 8;
      if (p == 'b') base = 2;
    }
    if (base != 10) {
      j = start + 2;
      std::size_t digits_start = j;
      while (j < source_.size()) {
        char d = static_cast<char>(source_[j] | 0x20);
        int v = d >= '0' && d <= '9' ? d - '0' : (d >= 'a' && d <= 'f' ? d - 'a' + 10 : 99);
        if (source_[j] == '_') {
          ++j;
          continue;
        }
        if (v >= base) break;
        if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, v, &value)) fail("integer literal too large", start);
        ++j;
      }
      if (j == digits_start) {
        base = 10;
      } else {
        push(TokenType::kInteger, source_.substr(start, j - start), start);
        tokens_.back().integer = value;
        return j;
      }
    }
    for (char d : digits) {
      if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, d - '0', &value)) fail("integer literal too large", start);
    }
    push(TokenType::kInteger, digits, start);
    tokens_.back().integer = value;
    return i;
  }

  std::size_t lex_string(std::size_t start) {
    char quote = source_[start];
    std::size_t i = start + 1;
    std::string value;
    while (true) {
      if (i >= source_.size()) fail("unexpected end of string", start);
      char c = source_[i];
      if (c == quote) break;
      if (c != '\\') {
        value.push_back(c);
        ++i;
        continue;
      }
      if (i + 1 >= source_.size()) fail("unexpected end of string", start);
      char e = source_[i + 1];
      i += 2;
      switch (e) {
        case '\n': break;
        case '\\': value.push_back('\\'); break;
        case '\'': value.push_back('\''); break;
        case '"': value.push_back('"'); break;
        case 'a': value.push_back('\a'); break;
        case 'b': value.push_back('\b'); break;
        case 'f': value.push_back('\f'); break;
        case 'n': value.push_back('\n'); break;
        case 'r': value.push_back('\r'); break;
        case 't': value.push_back('\t'); break;
        case 'v': value.push_back('\v'); break;
        case 'x': case 'u': case 'U': {
          std::size_t count = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
          char32_t code = 0;
          for (std::size_t k = 0; k < count; ++k) {
            char h = i + k < source_.size() ? static_cast<char>(source_[i + k] | 0x20) : 0;
            int v = h >= '0' && h <= '9' ? h - '0' : (h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1);
            if (v < 0) fail("truncated \\" + std::string(1, e) + " escape", start);
            code = code * 16 + static_cast<char32_t>(v);
          }
          if (code > 0x10FFFF) fail("illegal Unicode character", start);
          append_utf8(value, code);
          i += count;
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            char32_t code = static_cast<char32_t>(e - '0');
            for (int k = 0; k < 2 && i < source_.size() && source_[i] >= '0' && source_[i] <= '7'; ++k) {
              code = code * 8 + static_cast<char32_t>(source_[i++] - '0');
            }
            append_utf8(value, code);
          } else if (e == 'N') {
            fail("named Unicode escapes are not supported", start);
          } else {
            value.push_back('\\');
            value.push_back(e);
          }
      }
    }
    push(TokenType::kString, std::move(value), start);
    return i + 1;
  }

  std::size_t lex_operator(std::size_t i, std::vector<char>& balance) {
    static constexpr std::string_view kTwo[] = {"**", "//", "==", "!=", ">=", "<="};
    for (std::string_view op : kTwo) {
      if (starts_with(i, op)) {
        push(TokenType::kOperator, std::string(op), i);
        return i + 2;
      }
    }
    char c = source_[i];
    if (std::string_view("+-/*%~[](){}><=.:|,;").find(c) == std::string_view::npos) {
      fail(std::string("unexpected char '") + (static_cast<unsigned char>(c) < 0x80 ? std::string(1, c) : "?") + "'", i);
    }
    if (c == '(' || c == '[' || c == '{') {
      balance.push_back(c == '(' ? ')' : (c == '[' ? ']' : '}'));
    } else if (c == ')' || c == ']' || c == '}') {
      if (balance.empty()) fail(std::string("unexpected '") + c + "'", i);
      if (balance.back() != c) fail(std::string("unexpected '") + c + "', expected '" + balance.back() + "'", i);
      balance.pop_back();
    }
    push(TokenType::kOperator, std::string(1, c), i);
    return i + 1;
  }

  std::string source_;
  std::vector<Token> tokens_;
  std::size_t position_ = 0;
  bool line_starting_ = true;
  std::size_t located_offset_ = 0;
  int located_line_ = 1;
  int located_column_ = 1;
};

// jinja2 normalizes newlines and drops one trailing newline before lexing.
std::string normalize_source(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out.push_back(source[i]);
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(normalize_source(source)).run(); }

}  // namespace tessera::chat

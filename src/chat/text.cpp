#include "chat/text.h"

#include <utf8proc.h>

namespace tessera::chat {

Text::Text(std::string text, bool tainted) : text_(std::move(text)) {
  if (tainted && !text_.empty()) tainted_.push_back({0, text_.size()});
}

void Text::append(std::string_view text, bool tainted) {
  if (text.empty()) return;
  std::size_t begin = text_.size();
  text_.append(text);
  if (!tainted) return;
  if (!tainted_.empty() && tainted_.back().end == begin) {
    tainted_.back().end = text_.size();
  } else {
    tainted_.push_back({begin, text_.size()});
  }
}

void Text::append(const Text& other) {
  std::size_t base = text_.size();
  std::size_t position = 0;
  for (const TaintRange& range : other.tainted_) {
    append(std::string_view(other.text_).substr(position, range.begin - position), false);
    append(std::string_view(other.text_).substr(range.begin, range.end - range.begin), true);
    position = range.end;
  }
  append(std::string_view(other.text_).substr(position), false);
  (void)base;
}

Text Text::substr(std::size_t begin, std::size_t end) const {
  Text result;
  if (end > text_.size()) end = text_.size();
  if (begin >= end) return result;
  result.text_ = text_.substr(begin, end - begin);
  for (const TaintRange& range : tainted_) {
    std::size_t b = range.begin < begin ? begin : range.begin;
    std::size_t e = range.end > end ? end : range.end;
    if (b < e) result.tainted_.push_back({b - begin, e - begin});
  }
  return result;
}

char32_t decode_utf8(std::string_view text, std::size_t& position) {
  auto byte = static_cast<unsigned char>(text[position]);
  if (byte < 0x80) {
    ++position;
    return byte;
  }
  int length = 0;
  char32_t value = 0;
  if ((byte & 0xE0) == 0xC0) {
    length = 2;
    value = byte & 0x1F;
  } else if ((byte & 0xF0) == 0xE0) {
    length = 3;
    value = byte & 0x0F;
  } else if ((byte & 0xF8) == 0xF0) {
    length = 4;
    value = byte & 0x07;
  } else {
    ++position;
    return byte;
  }
  if (position + static_cast<std::size_t>(length) > text.size()) {
    ++position;
    return byte;
  }
  for (int i = 1; i < length; ++i) {
    auto next = static_cast<unsigned char>(text[position + static_cast<std::size_t>(i)]);
    if ((next & 0xC0) != 0x80) {
      ++position;
      return byte;
    }
    value = (value << 6) | (next & 0x3F);
  }
  position += static_cast<std::size_t>(length);
  return value;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | ((c >> 18) & 0x07)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::vector<char32_t> to_code_points(std::string_view text) {
  std::vector<char32_t> result;
  result.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) result.push_back(decode_utf8(text, position));
  return result;
}

std::string from_code_points(const std::vector<char32_t>& code_points) {
  std::string result;
  result.reserve(code_points.size());
  for (char32_t c : code_points) append_utf8(result, c);
  return result;
}

std::vector<std::size_t> code_point_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  offsets.reserve(text.size() + 1);
  std::size_t position = 0;
  while (position < text.size()) {
    offsets.push_back(position);
    decode_utf8(text, position);
  }
  offsets.push_back(text.size());
  return offsets;
}

std::size_t code_point_count(std::string_view text) {
  std::size_t count = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    decode_utf8(text, position);
    ++count;
  }
  return count;
}

bool is_python_space(char32_t c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case 0x0B: case 0x0C: case 0x1C: case 0x1D: case 0x1E:
    case 0x1F: case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

static utf8proc_category_t category(char32_t c) {
  if (c > 0x10FFFF) return UTF8PROC_CATEGORY_CN;
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

bool is_python_printable(char32_t c) {
  if (c == ' ') return true;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_ZS:
      return false;
    default:
      return true;
  }
}

bool is_python_alpha(char32_t c) {
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_python_digit(char32_t c) { return category(c) == UTF8PROC_CATEGORY_ND; }

bool is_python_alnum(char32_t c) {
  utf8proc_category_t cat = category(c);
  return is_python_alpha(c) || cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
         cat == UTF8PROC_CATEGORY_NO;
}

bool is_word_char(char32_t c) { return c == '_' || is_python_alnum(c); }
bool is_upper_case(char32_t c) { return c <= 0x10FFFF && utf8proc_isupper(static_cast<utf8proc_int32_t>(c)); }
bool is_lower_case(char32_t c) { return c <= 0x10FFFF && utf8proc_islower(static_cast<utf8proc_int32_t>(c)); }

char32_t to_upper(char32_t c) {
  if (c > 0x10FFFF) return c;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}
char32_t to_lower(char32_t c) {
  if (c > 0x10FFFF) return c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}
char32_t to_title(char32_t c) {
  if (c > 0x10FFFF) return c;
  return static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(c)));
}

std::string upper_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) append_utf8(out, to_upper(decode_utf8(text, position)));
  return out;
}

std::string lower_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) append_utf8(out, to_lower(decode_utf8(text, position)));
  return out;
}

}  // namespace tessera::chat

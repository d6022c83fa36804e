// Text: a string that remembers which byte ranges came from untrusted context data (messages, tools),
// so the tokenizer can encode those ranges without special-token parsing. Also UTF-8 helpers that
// give Python's code-point semantics (len, indexing, slicing, character classes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::chat {

struct TaintRange {
  std::size_t begin = 0;
  std::size_t end = 0;  // exclusive
};

class Text {
 public:
  Text() = default;
  explicit Text(std::string text, bool tainted = false);

  const std::string& str() const { return text_; }
  std::size_t size() const { return text_.size(); }
  bool empty() const { return text_.empty(); }
  bool any_tainted() const { return !tainted_.empty(); }
  const std::vector<TaintRange>& tainted_ranges() const { return tainted_; }

  void append(const Text& other);
  void append(std::string_view text, bool tainted);
  // Bytes [begin, end) with their taint.
  Text substr(std::size_t begin, std::size_t end) const;
  // A derived string whose every byte is tainted when any input byte was.
  static Text derived(std::string text, bool tainted) { return Text(std::move(text), tainted); }

 private:
  std::string text_;
  std::vector<TaintRange> tainted_;  // sorted, disjoint, non-adjacent
};

// UTF-8 decoding that never fails: an invalid byte decodes as itself (U+0080..U+00FF range).
char32_t decode_utf8(std::string_view text, std::size_t& position);
void append_utf8(std::string& out, char32_t code_point);
std::vector<char32_t> to_code_points(std::string_view text);
std::string from_code_points(const std::vector<char32_t>& code_points);
// Byte offset of every code point plus the total size as a final entry.
std::vector<std::size_t> code_point_offsets(std::string_view text);
std::size_t code_point_count(std::string_view text);

// Python str character classes.
bool is_python_space(char32_t c);
bool is_python_printable(char32_t c);
bool is_python_alpha(char32_t c);
bool is_python_digit(char32_t c);
bool is_python_alnum(char32_t c);
bool is_word_char(char32_t c);  // regex \w
bool is_upper_case(char32_t c);
bool is_lower_case(char32_t c);
char32_t to_upper(char32_t c);
char32_t to_lower(char32_t c);
char32_t to_title(char32_t c);
std::string upper_string(std::string_view text);
std::string lower_string(std::string_view text);

}  // namespace tessera::chat

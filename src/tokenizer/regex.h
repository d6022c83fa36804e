// A compiled PCRE2 pattern in Unicode mode (PCRE2_UTF | PCRE2_UCP), so \p{L}, \s and friends
// follow the Unicode tables of PCRE2. Invalid UTF-8 in a subject never matches and is left in the
// text between matches (PCRE2_MATCH_INVALID_UTF).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace tessera::tokenizer {

struct TextRange {
  std::size_t offset = 0;
  std::size_t length = 0;
};

class Regex {
 public:
  static Result<Regex> compile(std::string_view pattern);

  Regex(Regex&& other) noexcept : code_(std::exchange(other.code_, nullptr)) {}
  Regex& operator=(Regex&& other) noexcept;
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  ~Regex();

  // Splits subject into the matches and the runs between them ("isolated" splitting), in order,
  // skipping empty ranges. Offsets are relative to subject. Safe to call from many threads.
  void split_isolated(std::string_view subject, std::vector<TextRange>& ranges) const;

 private:
  explicit Regex(void* code) : code_(code) {}
  void* code_ = nullptr;  // pcre2_code_8*, kept opaque so users need no PCRE2 headers
};

}  // namespace tessera::tokenizer

// UTF-8 scanning and Unicode normalization helpers for the tokenizers. Text handed to a tokenizer
// is untrusted: every function here accepts invalid UTF-8 and treats bad bytes one at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::tokenizer {

enum class Utf8Status {
  kComplete,    // a whole, valid sequence
  kIncomplete,  // a valid prefix cut off by the end of the input
  kInvalid,     // not valid UTF-8: `length` is the maximal ill-formed subpart (at least 1)
};

struct Utf8Sequence {
  Utf8Status status = Utf8Status::kInvalid;
  std::size_t length = 1;
  char32_t code_point = 0;  // meaningful for kComplete only
};

// Classifies the sequence starting at text[offset] (offset < text.size()).
Utf8Sequence scan_utf8(std::string_view text, std::size_t offset);

// Length of the character at text[offset]: the valid sequence length, or 1 for an invalid byte
// (also for a truncated sequence).
std::size_t utf8_character_length(std::string_view text, std::size_t offset);

bool is_valid_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t code_point);

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD
inline constexpr std::string_view kSentencePieceSpace = "\xE2\x96\x81";    // U+2581 '▁'

enum class NormalizationForm { kNfc, kNfd, kNfkc, kNfkd };

// Normalizes the valid UTF-8 runs of text; invalid bytes are copied through unchanged.
std::string normalize_unicode(std::string_view text, NormalizationForm form);

// Replaces every occurrence of `from` (non-empty) with `to`.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to);

}  // namespace tessera::tokenizer

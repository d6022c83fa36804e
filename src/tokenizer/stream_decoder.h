// Incremental decoding for streaming generation: a token may end in the middle of a UTF-8
// character, so bytes are held back until the character is complete. Invalid sequences become
// U+FFFD as soon as they are known to be invalid, and a truncated tail becomes U+FFFD on flush.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::tokenizer {

class Tokenizer;

class StreamDecoder {
 public:
  StreamDecoder() = default;
  // Decodes tokens of `tokenizer` (kept by reference; it must outlive the decoder).
  explicit StreamDecoder(const Tokenizer& tokenizer, bool render_special = false)
      : tokenizer_(&tokenizer), render_special_(render_special) {}

  // Appends bytes and returns the text that is now complete (valid UTF-8).
  std::string push_bytes(std::string_view bytes);
  // Appends the bytes of one token (needs the tokenizer constructor).
  std::string push_token(std::int32_t id);
  // Returns what is held back, with a truncated character replaced by U+FFFD, and resets.
  std::string flush();

  bool has_pending() const { return !pending_.empty(); }

 private:
  const Tokenizer* tokenizer_ = nullptr;
  bool render_special_ = false;
  std::string pending_;
};

// Replaces every invalid sequence of bytes with U+FFFD (one per maximal ill-formed subpart).
std::string sanitize_utf8(std::string_view bytes);

}  // namespace tessera::tokenizer

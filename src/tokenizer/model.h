// The interface between Tokenizer (special tokens, BOS/EOS, decoding policy) and the algorithm
// that turns plain text into ids: SentencePiece-style, byte-pair encoding, or WordPiece.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::tokenizer {

enum class ModelKind {
  kSentencePiece,  // GGUF "llama": score-ordered merges, ▁ for spaces, <0xXX> byte fallback
  kBytePair,       // GGUF "gpt2": rank-ordered merges after regex pre-tokenization
  kWordPiece,      // GGUF "bert": greedy longest match, ▁ marks a word start
};

class TokenizerModel {
 public:
  virtual ~TokenizerModel() = default;
  virtual ModelKind kind() const = 0;
  // Appends the ids of text, which contains no special tokens. Never fails: characters the
  // vocabulary cannot express become byte tokens or the unknown token.
  virtual void encode(std::string_view text, std::vector<std::int32_t>& ids) const = 0;
  // The bytes a normal, byte or user-defined token stands for.
  virtual std::string decode_token(std::int32_t id) const = 0;
  // Whether a decoded sequence drops one leading space (the prefix space the encoder added).
  virtual bool strips_leading_space() const { return false; }
};

}  // namespace tessera::tokenizer

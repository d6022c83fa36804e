// Byte-pair encoding with ranked merges (GGUF "gpt2", HF BPE). Usually byte-level: the
// pre-tokenizer maps pieces to GPT-2's byte alphabet so every byte has a token. Without the
// byte-level step (SentencePiece vocabularies exported as HF BPE) unknown characters fall back to
// <0xXX> byte tokens.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <unordered_map>

#include "base/error.h"
#include "tokenizer/model.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/vocabulary.h"

namespace tessera::tokenizer {

struct BpeOptions {
  bool byte_fallback = false;        // unknown characters become <0xXX> tokens
  bool strip_leading_space = false;  // decoding drops the space a ▁-prefix normalizer added
};

class BpeModel final : public TokenizerModel {
 public:
  // merges: "left right" strings in rank order. Every side and their concatenation must be
  // tokens; `source` names the file or key in errors.
  static Result<std::unique_ptr<BpeModel>> create(const Vocabulary& vocabulary,
                                                  std::span<const std::string> merges,
                                                  PreTokenizer pre_tokenizer, BpeOptions options,
                                                  std::string_view source);

  ModelKind kind() const override { return ModelKind::kBytePair; }
  void encode(std::string_view text, std::vector<std::int32_t>& ids) const override;
  std::string decode_token(std::int32_t id) const override;
  bool strips_leading_space() const override { return options_.strip_leading_space; }

 private:
  struct Merge {
    std::int32_t rank;
    std::int32_t result;
  };
  BpeModel(const Vocabulary& vocabulary, PreTokenizer pre_tokenizer, BpeOptions options)
      : vocabulary_(vocabulary), pre_tokenizer_(std::move(pre_tokenizer)), options_(options) {}

  void encode_piece(std::string_view piece, std::vector<std::int32_t>& ids) const;
  static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
           static_cast<std::uint32_t>(right);
  }

  const Vocabulary& vocabulary_;
  PreTokenizer pre_tokenizer_;
  BpeOptions options_;
  std::unordered_map<std::uint64_t, Merge> merges_;
  std::int32_t byte_tokens_[256];  // <0xXX> ids for byte fallback, kNoToken when absent
};

// The id of "<0xXX>" for every byte (kNoToken where the vocabulary lacks it).
void find_byte_tokens(const Vocabulary& vocabulary, std::int32_t (&byte_tokens)[256]);
// The byte of a "<0xXX>" token text, or -1.
int parse_byte_token(std::string_view text);

}  // namespace tessera::tokenizer

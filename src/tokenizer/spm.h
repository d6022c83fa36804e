// SentencePiece-style BPE (GGUF "llama"): spaces become ▁, a ▁ is prefixed to the text unless
// tokenizer.ggml.add_space_prefix is false, adjacent symbols merge when their concatenation is a
// token (highest score first, leftmost on ties), and characters without a token are written as
// <0xXX> byte tokens.
#pragma once

#include "tokenizer/model.h"
#include "tokenizer/vocabulary.h"

namespace tessera::tokenizer {

class SentencePieceModel final : public TokenizerModel {
 public:
  SentencePieceModel(const Vocabulary& vocabulary, bool add_space_prefix);

  ModelKind kind() const override { return ModelKind::kSentencePiece; }
  void encode(std::string_view text, std::vector<std::int32_t>& ids) const override;
  std::string decode_token(std::int32_t id) const override;
  bool strips_leading_space() const override { return add_space_prefix_; }

 private:
  const Vocabulary& vocabulary_;
  bool add_space_prefix_;
  std::int32_t byte_tokens_[256];
};

}  // namespace tessera::tokenizer

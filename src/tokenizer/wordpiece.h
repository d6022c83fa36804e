// WordPiece (GGUF "bert"), following Hugging Face's BertNormalizer (clean control characters,
// space out CJK ideographs, strip accents, lowercase), BertPreTokenizer (split on whitespace and
// punctuation) and WordPiece (greedy longest match; a word with an unmatchable part is [UNK]).
// GGUF stores word-initial pieces with a ▁ prefix and continuation pieces bare (HF's "##" form).
#pragma once

#include "tokenizer/model.h"
#include "tokenizer/vocabulary.h"

namespace tessera::tokenizer {

class WordPieceModel final : public TokenizerModel {
 public:
  explicit WordPieceModel(const Vocabulary& vocabulary) : vocabulary_(vocabulary) {}

  ModelKind kind() const override { return ModelKind::kWordPiece; }
  void encode(std::string_view text, std::vector<std::int32_t>& ids) const override;
  std::string decode_token(std::int32_t id) const override;
  bool strips_leading_space() const override { return true; }

  // The normalized words of text, for tests.
  static std::vector<std::string> split_words(std::string_view text);

 private:
  void encode_word(std::string_view word, std::vector<std::int32_t>& ids) const;

  const Vocabulary& vocabulary_;
};

}  // namespace tessera::tokenizer

#include "tokenizer/tokenizer.h"

namespace tessera::tokenizer {

Tokenizer::Tokenizer(Vocabulary vocabulary, Options options)
    : vocabulary_(std::move(vocabulary)), options_(options) {}

Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::build(Vocabulary vocabulary, Options options,
                                                    const ModelFactory& make_model) {
  std::unique_ptr<Tokenizer> tokenizer(new Tokenizer(std::move(vocabulary), options));
  TESSERA_ASSIGN_OR_RETURN(tokenizer->model_, make_model(tokenizer->vocabulary_));
  tokenizer->special_tokens_ = std::make_unique<SpecialTokenMatcher>(tokenizer->vocabulary_);
  return tokenizer;
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, bool add_special,
                                            bool parse_special) const {
  const TextSegment segment{std::string(text), parse_special};
  return encode_segments(std::span<const TextSegment>(&segment, 1), add_special);
}

std::vector<std::int32_t> Tokenizer::encode_segments(std::span<const TextSegment> segments,
                                                     bool add_special) const {
  const SpecialTokenIds& special = vocabulary_.special();
  std::vector<std::int32_t> ids;
  if (add_special && options_.add_bos && vocabulary_.contains(special.bos)) ids.push_back(special.bos);

  // Raw text on both sides of a segment boundary is encoded as one run, so that splitting a
  // prompt into segments changes only where special tokens may be recognised.
  std::string raw_text;
  const auto flush_raw_text = [&] {
    if (raw_text.empty()) return;
    model_->encode(raw_text, ids);
    raw_text.clear();
  };
  std::vector<TextFragment> fragments;
  for (const TextSegment& segment : segments) {
    fragments.clear();
    special_tokens_->partition(segment.text, segment.parse_special, fragments);
    for (const TextFragment& fragment : fragments) {
      if (fragment.token == kNoToken) {
        raw_text.append(fragment.text);
      } else {
        flush_raw_text();
        ids.push_back(fragment.token);
      }
    }
  }
  flush_raw_text();

  if (add_special && options_.add_eos && vocabulary_.contains(special.eos)) ids.push_back(special.eos);
  if (add_special && options_.add_separator && vocabulary_.contains(special.separator)) {
    ids.push_back(special.separator);
  }
  return ids;
}

std::string Tokenizer::token_to_piece(std::int32_t id, bool render_special) const {
  if (!vocabulary_.contains(id)) return {};
  switch (vocabulary_.type(id)) {
    case TokenType::kControl:
    case TokenType::kUnknown:
      return render_special ? vocabulary_.text(id) : std::string();
    case TokenType::kUserDefined:
      return vocabulary_.text(id);  // added tokens are matched and printed as written
    case TokenType::kUnused:
      return {};
    case TokenType::kNormal:
    case TokenType::kByte:
    case TokenType::kUndefined:
      break;
  }
  return model_->decode_token(id);
}

std::string Tokenizer::decode(std::span<const std::int32_t> ids, bool render_special) const {
  std::string text;
  bool strip_space = model_->strips_leading_space();
  for (std::int32_t id : ids) {
    std::string piece = token_to_piece(id, render_special);
    if (piece.empty()) continue;
    if (strip_space) {
      // Only the space the encoder added in front of the text; a control token rendered first
      // means the text did not start there.
      if (piece.front() == ' ' && vocabulary_.type(id) != TokenType::kControl) piece.erase(0, 1);
      strip_space = false;
    }
    text.append(piece);
  }
  return text;
}

std::string_view Tokenizer::token_text(std::int32_t id) const {
  return vocabulary_.contains(id) ? std::string_view(vocabulary_.text(id)) : std::string_view();
}

TokenType Tokenizer::token_type(std::int32_t id) const {
  return vocabulary_.contains(id) ? vocabulary_.type(id) : TokenType::kUndefined;
}

float Tokenizer::token_score(std::int32_t id) const {
  return vocabulary_.contains(id) ? vocabulary_.score(id) : 0.0f;
}

}  // namespace tessera::tokenizer

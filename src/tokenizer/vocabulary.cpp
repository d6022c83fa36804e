#include "tokenizer/vocabulary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace tessera::tokenizer {

Result<Vocabulary> Vocabulary::create(std::vector<std::string> texts, std::vector<float> scores,
                                      std::vector<TokenType> types, std::string_view source) {
  if (texts.empty()) {
    return make_error(ErrorCode::kInvalidFormat, "{}: the vocabulary has no tokens", source);
  }
  if (texts.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return make_error(ErrorCode::kOutOfRange, "{}: {} tokens do not fit 32-bit ids", source,
                      texts.size());
  }
  if (!scores.empty() && scores.size() != texts.size()) {
    return make_error(ErrorCode::kInvalidFormat, "{}: {} scores for {} tokens", source,
                      scores.size(), texts.size());
  }
  if (!types.empty() && types.size() != texts.size()) {
    return make_error(ErrorCode::kInvalidFormat, "{}: {} token types for {} tokens", source,
                      types.size(), texts.size());
  }
  for (std::size_t id = 0; id < types.size(); ++id) {
    const auto value = static_cast<std::int32_t>(types[id]);
    if (value < 0 || value > static_cast<std::int32_t>(TokenType::kByte)) {
      return make_error(ErrorCode::kInvalidFormat, "{}: token {} has unknown type {}", source, id,
                        value);
    }
  }

  Vocabulary vocabulary;
  vocabulary.scores_ = scores.empty() ? std::vector<float>(texts.size(), 0.0f) : std::move(scores);
  // A NaN score would break the ordering of the merge queue.
  for (float& score : vocabulary.scores_) {
    if (std::isnan(score)) score = -std::numeric_limits<float>::infinity();
  }
  vocabulary.types_ = types.empty() ? std::vector<TokenType>(texts.size(), TokenType::kNormal)
                                    : std::move(types);
  vocabulary.ids_.reserve(texts.size());
  for (std::size_t id = 0; id < texts.size(); ++id) {
    if (texts[id].empty()) continue;  // an empty token can never be produced by encoding
    vocabulary.ids_.emplace(texts[id], static_cast<std::int32_t>(id));
    vocabulary.max_token_length_ = std::max(vocabulary.max_token_length_, texts[id].size());
  }
  vocabulary.texts_ = std::move(texts);
  return vocabulary;
}

std::int32_t Vocabulary::find(std::string_view text) const {
  const auto found = ids_.find(text);
  return found == ids_.end() ? kNoToken : found->second;
}

void Vocabulary::detect_end_of_generation_tokens() {
  // Chat models mark the end of a turn with one of these texts; not every GGUF names them in
  // tokenizer.ggml.eot_token_id, so they are recognised by text as well.
  static constexpr std::array<std::string_view, 10> kEndOfTurnTexts = {
      "<|eot_id|>", "<|im_end|>",    "<|end|>",          "<end_of_turn>",
      "<|endoftext|>", "<|end_of_text|>", "<EOT>",          "_<EOT>",
      "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",  // DeepSeek
      "<end_of_utterance>"};
  static constexpr std::array<std::string_view, 5> kEndOfGenerationTexts = {
      "<|eom_id|>", "<|return|>", "<|call|>", "<|fim_pad|>", "<|repo_name|>"};

  if (special_.eot == kNoToken) {
    for (std::string_view text : kEndOfTurnTexts) {
      const std::int32_t id = find(text);
      if (id != kNoToken) {
        special_.eot = id;
        break;
      }
    }
  }
  if (special_.eom == kNoToken) special_.eom = find("<|eom_id|>");

  end_of_generation_.clear();
  for (std::int32_t id : {special_.eos, special_.eot, special_.eom}) {
    if (contains(id)) end_of_generation_.insert(id);
  }
  for (std::string_view text : kEndOfTurnTexts) {
    const std::int32_t id = find(text);
    if (id != kNoToken) end_of_generation_.insert(id);
  }
  for (std::string_view text : kEndOfGenerationTexts) {
    const std::int32_t id = find(text);
    if (id != kNoToken) end_of_generation_.insert(id);
  }
  // A token that ends generation is a control token even when the file forgot to say so, so
  // that it is never printed as text.
  for (std::int32_t id : end_of_generation_) {
    if (type(id) == TokenType::kNormal || type(id) == TokenType::kUndefined) {
      set_type(id, TokenType::kControl);
    }
  }
}

}  // namespace tessera::tokenizer

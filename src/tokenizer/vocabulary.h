// The token table shared by every tokenizer model: texts, scores, types, the reverse map, and the
// ids of the special tokens. Built once from untrusted input and validated there.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/error.h"

namespace tessera::tokenizer {

inline constexpr std::int32_t kNoToken = -1;

// GGUF tokenizer.ggml.token_type values.
enum class TokenType : std::int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

struct SpecialTokenIds {
  std::int32_t bos = kNoToken;
  std::int32_t eos = kNoToken;
  std::int32_t eot = kNoToken;  // end of turn
  std::int32_t eom = kNoToken;  // end of message (tool call follows)
  std::int32_t unknown = kNoToken;
  std::int32_t separator = kNoToken;
  std::int32_t padding = kNoToken;
  std::int32_t mask = kNoToken;
};

// Transparent hashing so lookups by string_view need no temporary string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

class Vocabulary {
 public:
  // Validates that scores and types are empty or as long as texts, and that types are known.
  // `source` names the file or key in error messages.
  static Result<Vocabulary> create(std::vector<std::string> texts, std::vector<float> scores,
                                   std::vector<TokenType> types, std::string_view source);

  std::int32_t size() const { return static_cast<std::int32_t>(texts_.size()); }
  bool contains(std::int32_t id) const { return id >= 0 && id < size(); }

  // kNoToken when no token has this text. Duplicate texts resolve to the lowest id.
  std::int32_t find(std::string_view text) const;

  const std::string& text(std::int32_t id) const { return texts_[static_cast<std::size_t>(id)]; }
  float score(std::int32_t id) const { return scores_[static_cast<std::size_t>(id)]; }
  TokenType type(std::int32_t id) const { return types_[static_cast<std::size_t>(id)]; }
  void set_type(std::int32_t id, TokenType type) { types_[static_cast<std::size_t>(id)] = type; }
  std::size_t max_token_length() const { return max_token_length_; }

  SpecialTokenIds& special() { return special_; }
  const SpecialTokenIds& special() const { return special_; }

  // Ids that end generation: eos, eot, eom and tokens whose text marks an end of turn.
  const std::unordered_set<std::int32_t>& end_of_generation() const { return end_of_generation_; }
  // Fills end_of_generation() and the eot/eom ids from the special ids and token texts.
  void detect_end_of_generation_tokens();

 private:
  std::vector<std::string> texts_;
  std::vector<float> scores_;
  std::vector<TokenType> types_;
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> ids_;
  std::size_t max_token_length_ = 0;
  SpecialTokenIds special_;
  std::unordered_set<std::int32_t> end_of_generation_;
};

}  // namespace tessera::tokenizer

// Splits raw text at special tokens before the model sees it. Control and unknown tokens
// ("<|im_end|>", "<s>") are recognised only where parsing special tokens is allowed; user-defined
// tokens (HF added tokens that are not special, such as GPT-NeoX's runs of spaces) always are,
// as Hugging Face does. Matching is leftmost-longest over a byte trie.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/vocabulary.h"

namespace tessera::tokenizer {

struct TextFragment {
  std::string_view text;           // raw text when token == kNoToken
  std::int32_t token = kNoToken;   // a matched special token
};

class SpecialTokenMatcher {
 public:
  explicit SpecialTokenMatcher(const Vocabulary& vocabulary);

  // Appends the fragments of text: runs of raw text and matched tokens, in order.
  void partition(std::string_view text, bool parse_special, std::vector<TextFragment>& out) const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, std::int32_t>> children;  // sorted by byte
    std::int32_t token = kNoToken;
    bool always = false;  // user-defined: matched even when special parsing is off
  };
  std::int32_t child(std::int32_t node, unsigned char byte) const;
  std::int32_t add_child(std::int32_t node, unsigned char byte);

  std::vector<Node> nodes_;
  bool starts_[256] = {};
  bool starts_always_[256] = {};
};

}  // namespace tessera::tokenizer

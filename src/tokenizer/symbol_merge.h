// The merge loop shared by BPE and SentencePiece: a word starts as one symbol per character and
// adjacent pairs are merged best-first (ties: leftmost first) until no pair merges. A priority
// queue with lazy invalidation keeps this O(n log n) in the word length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <string_view>
#include <vector>

#include "tokenizer/utf8.h"
#include "tokenizer/vocabulary.h"

namespace tessera::tokenizer {

struct MergeSymbol {
  std::int32_t previous = -1;
  std::int32_t next = -1;
  std::size_t offset = 0;  // byte range of the symbol in the word
  std::size_t length = 0;  // 0 once merged into its left neighbour
  std::int32_t id = kNoToken;
};

struct MergeCandidate {
  double priority = 0.0;  // smaller merges first: a BPE rank, or minus a SentencePiece score
  std::int32_t result = kNoToken;
};

// One symbol per UTF-8 character of word; each invalid byte is a symbol of its own.
inline std::vector<MergeSymbol> split_into_symbols(std::string_view word) {
  std::vector<MergeSymbol> symbols;
  symbols.reserve(word.size());
  for (std::size_t offset = 0; offset < word.size();) {
    const std::size_t length = utf8_character_length(word, offset);
    const auto index = static_cast<std::int32_t>(symbols.size());
    symbols.push_back({index - 1, index + 1, offset, length, kNoToken});
    offset += length;
  }
  if (!symbols.empty()) symbols.back().next = -1;
  return symbols;
}

// find_merge(left, right) -> std::optional<MergeCandidate> for two adjacent live symbols.
template <typename FindMerge>
void merge_symbols(std::vector<MergeSymbol>& symbols, FindMerge&& find_merge) {
  struct QueuedPair {
    double priority;
    std::int32_t left;
    std::int32_t right;
    std::size_t left_length;
    std::size_t right_length;
    std::int32_t result;
  };
  struct Later {
    bool operator()(const QueuedPair& a, const QueuedPair& b) const {
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.left > b.left;
    }
  };
  std::priority_queue<QueuedPair, std::vector<QueuedPair>, Later> queue;
  const auto consider = [&](std::int32_t left, std::int32_t right) {
    if (left < 0 || right < 0) return;
    const MergeSymbol& left_symbol = symbols[static_cast<std::size_t>(left)];
    const MergeSymbol& right_symbol = symbols[static_cast<std::size_t>(right)];
    const std::optional<MergeCandidate> candidate = find_merge(left_symbol, right_symbol);
    if (!candidate) return;
    queue.push({candidate->priority, left, right, left_symbol.length, right_symbol.length,
                candidate->result});
  };

  for (std::size_t index = 1; index < symbols.size(); ++index) {
    consider(static_cast<std::int32_t>(index - 1), static_cast<std::int32_t>(index));
  }
  while (!queue.empty()) {
    const QueuedPair pair = queue.top();
    queue.pop();
    MergeSymbol& left = symbols[static_cast<std::size_t>(pair.left)];
    MergeSymbol& right = symbols[static_cast<std::size_t>(pair.right)];
    // Symbols only grow, so unchanged lengths mean the pair is still the one that was queued.
    if (left.length == 0 || right.length == 0 || left.next != pair.right ||
        left.length != pair.left_length || right.length != pair.right_length) {
      continue;
    }
    left.length += right.length;
    left.id = pair.result;
    right.length = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].previous = pair.left;
    consider(left.previous, pair.left);
    consider(pair.left, left.next);
  }
}

}  // namespace tessera::tokenizer

// A flattened batch: the tokens of one step, possibly from many sequences, each with its sequence
// and position. Continuous batching adds and removes sequences between steps without a new layout.
#pragma once

#include <cstdint>
#include <vector>

namespace tessera::engine {

using SequenceId = std::int32_t;

struct Batch {
  std::vector<std::int32_t> tokens;      // [n_tokens]
  std::vector<std::int32_t> positions;   // [n_tokens]: position of each token in its sequence
  std::vector<SequenceId> sequences;     // [n_tokens]: sequence of each token
  std::vector<bool> wants_logits;        // [n_tokens]: rows of the logits output

  void add(std::int32_t token, std::int32_t position, SequenceId sequence, bool logits) {
    tokens.push_back(token);
    positions.push_back(position);
    sequences.push_back(sequence);
    wants_logits.push_back(logits);
  }
  std::size_t size() const { return tokens.size(); }
  void clear() {
    tokens.clear();
    positions.clear();
    sequences.clear();
    wants_logits.clear();
  }
};

}  // namespace tessera::engine

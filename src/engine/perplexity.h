// Log-likelihood of a text under a model, window by window, as `tessera perplexity` reports it.
//
// Windows: the text's tokens (without special tokens) are cut into consecutive pieces; each window is
// the model's BOS (only when its metadata asks for BOS, as `tessera run` adds it) followed by the
// next `context - 1` text tokens, or the next `context` text tokens when there is no BOS. Each window
// runs on a fresh KV cache, and every token after the window's first is scored: its log-probability
// under the log-softmax of the logits at the position before it. A trailing window of one token
// scores nothing and is left out.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/error.h"
#include "engine/engine.h"

namespace tessera::engine {

struct WindowScore {
  int tokens = 0;                   // window length, BOS included
  int tokens_scored = 0;            // tokens - 1
  double log_likelihood_sum = 0.0;  // nats
  double seconds = 0.0;
  double mean_log_likelihood() const { return tokens_scored > 0 ? log_likelihood_sum / tokens_scored : 0.0; }
};

struct LogLikelihoodResult {
  std::vector<WindowScore> windows;
  int tokens_scored = 0;
  double log_likelihood_sum = 0.0;
  double seconds = 0.0;
  double mean_log_likelihood() const { return tokens_scored > 0 ? log_likelihood_sum / tokens_scored : 0.0; }
  double perplexity() const;
};

// The windows described above; `bos` is the token that starts each window, if any. context >= 2.
std::vector<std::vector<std::int32_t>> split_windows(std::span<const std::int32_t> text_tokens, int context,
                                                     std::optional<std::int32_t> bos);

// log p(token) under softmax(logits), computed in double.
double log_softmax_at(std::span<const float> logits, std::int32_t token);

// Scores every window; the engine's context must hold `context` positions.
Result<LogLikelihoodResult> evaluate_log_likelihood(Engine& engine, std::span<const std::int32_t> text_tokens,
                                                    int context);

}  // namespace tessera::engine

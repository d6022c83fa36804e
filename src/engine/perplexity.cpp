#include "engine/perplexity.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace tessera::engine {

double LogLikelihoodResult::perplexity() const {
  return std::exp(-mean_log_likelihood());
}

std::vector<std::vector<std::int32_t>> split_windows(std::span<const std::int32_t> text_tokens, int context,
                                                     std::optional<std::int32_t> bos) {
  std::vector<std::vector<std::int32_t>> windows;
  if (context < 2) return windows;  // no window can hold a scored token
  const std::size_t piece = static_cast<std::size_t>(context) - (bos ? 1 : 0);
  for (std::size_t begin = 0; begin < text_tokens.size(); begin += piece) {
    std::vector<std::int32_t> window;
    if (bos) window.push_back(*bos);
    auto chunk = text_tokens.subspan(begin, std::min(piece, text_tokens.size() - begin));
    window.insert(window.end(), chunk.begin(), chunk.end());
    if (window.size() >= 2) windows.push_back(std::move(window));
  }
  return windows;
}

double log_softmax_at(std::span<const float> logits, std::int32_t token) {
  if (logits.empty() || token < 0 || static_cast<std::size_t>(token) >= logits.size()) return -INFINITY;
  double largest = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (float logit : logits) sum += std::exp(static_cast<double>(logit) - largest);
  return static_cast<double>(logits[static_cast<std::size_t>(token)]) - largest - std::log(sum);
}

Result<LogLikelihoodResult> evaluate_log_likelihood(Engine& engine, std::span<const std::int32_t> text_tokens,
                                                    int context) {
  if (context < 2) return make_error(ErrorCode::kInvalidArgument, "context {} is below 2", context);
  if (context > engine.context_length()) {
    return make_error(ErrorCode::kOutOfRange, "context {} exceeds the engine's {}", context,
                      engine.context_length());
  }
  std::optional<std::int32_t> bos;
  if (engine.tokenizer().add_bos()) bos = engine.tokenizer().bos_id();
  auto windows = split_windows(text_tokens, context, bos);
  if (windows.empty()) return make_error(ErrorCode::kInvalidArgument, "the text has too few tokens to score");
  const auto vocab = static_cast<std::size_t>(engine.model().config().vocab_size);
  LogLikelihoodResult result;
  for (const auto& window : windows) {
    auto start = std::chrono::steady_clock::now();
    TESSERA_ASSIGN_OR_RETURN(std::vector<float> logits, engine.score(window));
    WindowScore score;
    score.tokens = static_cast<int>(window.size());
    score.tokens_scored = score.tokens - 1;
    // Row i of the logits predicts token i + 1.
    for (std::size_t index = 1; index < window.size(); ++index) {
      std::span<const float> row(logits.data() + (index - 1) * vocab, vocab);
      score.log_likelihood_sum += log_softmax_at(row, window[index]);
    }
    score.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.tokens_scored += score.tokens_scored;
    result.log_likelihood_sum += score.log_likelihood_sum;
    result.seconds += score.seconds;
    result.windows.push_back(score);
  }
  return result;
}

}  // namespace tessera::engine

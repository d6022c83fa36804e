#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessera::engine {

Sampler::Sampler(SamplingParams params) : params_(std::move(params)), state_(params_.seed) {}

void Sampler::accept(std::int32_t token) {
  if (params_.penalty_last_n <= 0) return;
  recent_.push_back(token);
  while (static_cast<int>(recent_.size()) > params_.penalty_last_n) recent_.pop_front();
}

double Sampler::next_uniform() {
  state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t mixed = state_;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
  mixed ^= mixed >> 31;
  return static_cast<double>(mixed >> 11) * 0x1.0p-53;
}

std::int32_t Sampler::sample(std::span<float> logits) {
  const auto vocab = static_cast<std::int32_t>(logits.size());
  for (const auto& [token, bias] : params_.logit_bias) {
    if (token >= 0 && token < vocab) logits[static_cast<std::size_t>(token)] += bias;
  }
  // Penalties over the recent window.
  if (!recent_.empty() && (params_.repetition_penalty != 1.0F || params_.presence_penalty != 0.0F ||
                           params_.frequency_penalty != 0.0F)) {
    std::unordered_map<std::int32_t, int> counts;
    for (auto token : recent_) ++counts[token];
    for (const auto& [token, count] : counts) {
      if (token < 0 || token >= vocab) continue;
      float& logit = logits[static_cast<std::size_t>(token)];
      logit = logit > 0 ? logit / params_.repetition_penalty : logit * params_.repetition_penalty;
      logit -= static_cast<float>(count) * params_.frequency_penalty + params_.presence_penalty;
    }
  }
  if (params_.temperature <= 0.0F) {
    // First maximum wins ties, as an argmax does.
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  candidates_.clear();
  candidates_.reserve(logits.size());
  for (std::int32_t token = 0; token < vocab; ++token) candidates_.push_back({token, logits[static_cast<std::size_t>(token)]});
  auto by_logit = [](const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.token < b.token);
  };
  std::size_t keep = candidates_.size();
  if (params_.top_k > 0 && static_cast<std::size_t>(params_.top_k) < keep) {
    keep = static_cast<std::size_t>(params_.top_k);
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(keep), candidates_.end(),
                      by_logit);
  } else {
    std::sort(candidates_.begin(), candidates_.end(), by_logit);
  }
  candidates_.resize(keep);
  // Probabilities of the kept candidates at temperature 1 for the top-p and min-p cuts.
  std::vector<double> probabilities(keep);
  double total = 0.0;
  for (std::size_t index = 0; index < keep; ++index) {
    probabilities[index] = std::exp(static_cast<double>(candidates_[index].logit - candidates_[0].logit));
    total += probabilities[index];
  }
  if (params_.top_p < 1.0F) {
    double cumulative = 0.0;
    std::size_t cut = keep;
    for (std::size_t index = 0; index < keep; ++index) {
      cumulative += probabilities[index] / total;
      if (cumulative >= params_.top_p) {
        cut = index + 1;
        break;
      }
    }
    keep = cut;
  }
  if (params_.min_p > 0.0F) {
    std::size_t cut = 1;
    while (cut < keep && probabilities[cut] >= params_.min_p * probabilities[0]) ++cut;
    keep = cut;
  }
  // Temperature, softmax over what is left, and the draw.
  double sum = 0.0;
  std::vector<double> weights(keep);
  for (std::size_t index = 0; index < keep; ++index) {
    weights[index] =
        std::exp(static_cast<double>(candidates_[index].logit - candidates_[0].logit) / params_.temperature);
    sum += weights[index];
  }
  double target = next_uniform() * sum;
  for (std::size_t index = 0; index < keep; ++index) {
    target -= weights[index];
    if (target < 0.0) return candidates_[index].token;
  }
  return candidates_[keep - 1].token;
}

}  // namespace tessera::engine

// Token sampling: penalties, then top-k, top-p, min-p and temperature, then a seeded draw.
// The same seed, settings and logits always give the same token.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <unordered_map>
#include <vector>

namespace tessera::engine {

struct SamplingParams {
  float temperature = 0.8F;        // <= 0 means greedy (argmax)
  int top_k = 40;                  // <= 0 disables
  float top_p = 0.95F;             // >= 1 disables
  float min_p = 0.05F;             // <= 0 disables
  float repetition_penalty = 1.0F; // 1 disables; divides positive logits, multiplies negative ones
  float presence_penalty = 0.0F;   // subtracted once from every token seen
  float frequency_penalty = 0.0F;  // subtracted per occurrence
  int penalty_last_n = 64;         // how many recent tokens the penalties look at
  std::uint64_t seed = 0;
  std::unordered_map<std::int32_t, float> logit_bias;

  static SamplingParams greedy() {
    SamplingParams params;
    params.temperature = 0.0F;
    return params;
  }
};

class Sampler {
 public:
  explicit Sampler(SamplingParams params);

  // Picks the next token from one row of logits (modified in place by penalties and bias).
  std::int32_t sample(std::span<float> logits);
  // Records a token of the context (prompt or generated) for the penalties.
  void accept(std::int32_t token);
  const SamplingParams& params() const { return params_; }

 private:
  double next_uniform();  // [0, 1), from a splitmix64 stream: identical on every platform

  SamplingParams params_;
  std::uint64_t state_;
  std::deque<std::int32_t> recent_;
  struct Candidate {
    std::int32_t token;
    float logit;
  };
  std::vector<Candidate> candidates_;
};

}  // namespace tessera::engine

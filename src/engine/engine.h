// The engine facade: everything above the engine (CLI, server) sees models only through this.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/kv_cache.h"
#include "engine/model/model.h"
#include "engine/sampler.h"
#include "formats/gguf_reader.h"
#include "runtime/device.h"
#include "tokenizer/tokenizer.h"

namespace tessera::engine {

struct EngineOptions {
  std::string model_path;
  std::string device = "cpu";
  int threads = 0;          // 0: the backend's default
  int context_length = 0;   // positions of KV cache in all; 0: min(model context, 4096)
  int block_size = 16;      // positions per KV cache block
  int batch_size = 512;     // prompt tokens per forward step
};

struct GenerationRequest {
  std::vector<std::int32_t> prompt;
  int max_tokens = 128;
  SamplingParams sampling;
  bool stop_at_end_of_generation = true;
  // Keep the sequence's tokens and their KV cache after this call, and start from what the previous
  // call kept: only the prompt past its longest common prefix with those tokens is prefilled (at
  // least its last token, whose logits start the generation). Multi-turn chat sets this.
  bool reuse_cache = false;
};

struct GenerationTimings {
  int prompt_tokens = 0;         // prompt tokens prefilled by this call
  int reused_prompt_tokens = 0;  // prompt tokens whose KV came from the previous call (reuse_cache)
  int generated_tokens = 0;
  double prompt_seconds = 0.0;
  double generation_seconds = 0.0;  // from the first generated token's step to the last
  double prompt_tokens_per_second() const { return prompt_seconds > 0 ? prompt_tokens / prompt_seconds : 0.0; }
  double generation_tokens_per_second() const {
    return generation_seconds > 0 && generated_tokens > 1 ? (generated_tokens - 1) / generation_seconds : 0.0;
  }
};

struct GenerationResult {
  std::vector<std::int32_t> tokens;
  std::string finish_reason;  // "stop" (end of generation token), "length", "cancelled"
  GenerationTimings timings;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> load(const EngineOptions& options);

  const gguf::File& file() const { return *file_; }
  const Model& model() const { return *model_; }
  const runtime::Device& device() const { return device_; }
  const tokenizer::Tokenizer& tokenizer() const { return *tokenizer_; }
  const KvCache& cache() const { return cache_; }
  int context_length() const { return context_length_; }
  // Tokens that end a generation (eos, eot, ...).
  const std::set<std::int32_t>& end_of_generation_tokens() const { return end_tokens_; }
  void set_end_of_generation_tokens(std::set<std::int32_t> tokens) { end_tokens_ = std::move(tokens); }

  // Generates from a prompt; on_token is called with each new token and may return false to stop.
  Result<GenerationResult> generate(const GenerationRequest& request,
                                    const std::function<bool(std::int32_t)>& on_token = nullptr);
  // Logits of every position of a token sequence ([n_tokens, vocab], row-major), e.g. for perplexity.
  Result<std::vector<float>> score(const std::vector<std::int32_t>& tokens);

 private:
  Engine(runtime::Device device) : device_(std::move(device)) {}
  // Runs tokens [0, n) of a sequence starting at `start`, asking for logits of the last (or all).
  Result<void> prefill(SequenceId sequence, std::span<const std::int32_t> tokens, std::int32_t start,
                       bool all_logits, std::vector<float>& logits);
  // Frees the main sequence's KV cache, or keeps the part shared with `prompt` when reuse is asked;
  // returns the number of prompt positions kept.
  std::size_t keep_common_prefix(const std::vector<std::int32_t>& prompt, bool reuse);
  void forget_main_sequence();

  std::unique_ptr<gguf::File> file_;
  runtime::Device device_;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
  std::unique_ptr<Model> model_;
  KvCache cache_;
  EngineOptions options_;
  int context_length_ = 0;
  std::set<std::int32_t> end_tokens_;
  // Tokens whose K and V the main sequence holds in the cache, position by position.
  std::vector<std::int32_t> cached_tokens_;
};

}  // namespace tessera::engine

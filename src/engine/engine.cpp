#include "engine/engine.h"

#include <algorithm>
#include <chrono>

#include "runtime/registry.h"

namespace tessera::engine {

namespace {
constexpr SequenceId kMainSequence = 0;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

Result<std::unique_ptr<Engine>> Engine::load(const EngineOptions& options) {
  auto& registry = runtime::Registry::global();
  TESSERA_ASSIGN_OR_RETURN(runtime::Device device, registry.device(options.device));
  if (options.threads > 0)
    TESSERA_TRY(device.backend().configure("threads", std::to_string(options.threads)));
  std::unique_ptr<Engine> engine(new Engine(device));
  engine->options_ = options;
  TESSERA_ASSIGN_OR_RETURN(gguf::File file, gguf::File::open(options.model_path));
  engine->file_ = std::make_unique<gguf::File>(std::move(file));
  TESSERA_ASSIGN_OR_RETURN(engine->model_, load_model(*engine->file_, device));
  const auto& config = engine->model_->config();
  int context =
      options.context_length > 0 ? options.context_length : std::min(config.max_position_embeddings, 4096);
  if (options.block_size <= 0 || options.batch_size <= 0 || context <= 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "context length, block size and batch size must be positive");
  }
  // Positions past the trained context mean nothing, and the KV cache would grow with them.
  if (context > config.max_position_embeddings) {
    return make_error(ErrorCode::kOutOfRange, "{}: context length {} exceeds the model's {}",
                      options.model_path, context, config.max_position_embeddings);
  }
  engine->context_length_ = context;
  int n_blocks = (context + options.block_size - 1) / options.block_size;
  TESSERA_ASSIGN_OR_RETURN(
      engine->cache_, KvCache::create(device, engine->model_->kv_cache_shape(n_blocks, options.block_size)));
  TESSERA_ASSIGN_OR_RETURN(engine->tokenizer_, tokenizer::Tokenizer::from_gguf(*engine->file_));
  if (engine->tokenizer_->vocab_size() != config.vocab_size) {
    return make_error(ErrorCode::kInvalidFormat, "{}: tokenizer has {} tokens, the model {}",
                      options.model_path, engine->tokenizer_->vocab_size(), config.vocab_size);
  }
  for (auto id : engine->tokenizer_->end_of_generation_ids()) engine->end_tokens_.insert(id);
  return engine;
}

Result<void> Engine::prefill(SequenceId sequence, std::span<const std::int32_t> tokens, std::int32_t start,
                             bool all_logits, std::vector<float>& logits) {
  const auto vocab = model_->config().vocab_size;
  Batch batch;
  for (std::size_t begin = 0; begin < tokens.size(); begin += static_cast<std::size_t>(options_.batch_size)) {
    std::size_t end = std::min(tokens.size(), begin + static_cast<std::size_t>(options_.batch_size));
    batch.clear();
    for (std::size_t index = begin; index < end; ++index) {
      if (tokens[index] < 0 || tokens[index] >= vocab) {
        return make_error(ErrorCode::kInvalidArgument, "token id {} outside the vocabulary (size {})",
                          tokens[index], vocab);
      }
      bool wants = all_logits || index + 1 == tokens.size();
      batch.add(tokens[index], start + static_cast<std::int32_t>(index), sequence, wants);
    }
    TESSERA_TRY(model_->forward(batch, cache_, logits));
  }
  return {};
}

void Engine::forget_main_sequence() {
  cache_.release(kMainSequence);
  cached_tokens_.clear();
}

std::size_t Engine::keep_common_prefix(const std::vector<std::int32_t>& prompt, bool reuse) {
  if (!reuse || !cache_.has_sequence(kMainSequence)) {
    forget_main_sequence();
    return 0;
  }
  auto [cached_end, prompt_end] =
      std::mismatch(cached_tokens_.begin(), cached_tokens_.end(), prompt.begin(), prompt.end());
  auto kept = static_cast<std::size_t>(prompt_end - prompt.begin());
  // The last prompt token always runs again: its logits choose the first new token.
  if (kept == prompt.size()) --kept;
  cache_.truncate(kMainSequence, static_cast<std::int64_t>(kept));
  cached_tokens_.resize(kept);
  return kept;
}

Result<GenerationResult> Engine::generate(const GenerationRequest& request,
                                          const std::function<bool(std::int32_t)>& on_token) {
  if (request.prompt.empty()) return make_error(ErrorCode::kInvalidArgument, "empty prompt");
  const auto total = static_cast<std::int64_t>(request.prompt.size()) + std::max(0, request.max_tokens);
  if (total > context_length_) {
    return make_error(ErrorCode::kOutOfRange,
                      "prompt ({} tokens) plus {} new tokens exceeds the context of {}",
                      request.prompt.size(), request.max_tokens, context_length_);
  }
  const std::size_t reused = keep_common_prefix(request.prompt, request.reuse_cache);
  TESSERA_TRY(cache_.reserve(kMainSequence, total));
  const auto vocab = static_cast<std::size_t>(model_->config().vocab_size);
  GenerationResult result;
  result.finish_reason = "length";
  result.timings.prompt_tokens = static_cast<int>(request.prompt.size() - reused);
  result.timings.reused_prompt_tokens = static_cast<int>(reused);
  Sampler sampler(request.sampling);
  for (auto token : request.prompt) sampler.accept(token);

  std::vector<float> logits;
  auto prompt_start = std::chrono::steady_clock::now();
  const std::span<const std::int32_t> suffix = std::span(request.prompt).subspan(reused);
  TESSERA_TRY(prefill(kMainSequence, suffix, static_cast<std::int32_t>(reused), false, logits));
  cached_tokens_ = request.prompt;
  result.timings.prompt_seconds = seconds_since(prompt_start);

  auto position = static_cast<std::int32_t>(request.prompt.size());
  std::chrono::steady_clock::time_point generation_start;
  Batch step;
  for (int produced = 0; produced < request.max_tokens; ++produced) {
    std::int32_t token = sampler.sample(std::span<float>(logits.data() + logits.size() - vocab, vocab));
    if (produced == 0) generation_start = std::chrono::steady_clock::now();
    sampler.accept(token);
    result.tokens.push_back(token);
    if (on_token && !on_token(token)) {
      result.finish_reason = "cancelled";
      break;
    }
    if (request.stop_at_end_of_generation && end_tokens_.contains(token)) {
      result.finish_reason = "stop";
      break;
    }
    if (produced + 1 == request.max_tokens) break;
    step.clear();
    step.add(token, position++, kMainSequence, true);
    logits.clear();
    TESSERA_TRY(model_->forward(step, cache_, logits));
    cached_tokens_.push_back(token);
  }
  result.timings.generated_tokens = static_cast<int>(result.tokens.size());
  if (!result.tokens.empty()) result.timings.generation_seconds = seconds_since(generation_start);
  if (request.reuse_cache) {
    cache_.truncate(kMainSequence, static_cast<std::int64_t>(cached_tokens_.size()));
  } else {
    forget_main_sequence();
  }
  return result;
}

Result<std::vector<float>> Engine::score(const std::vector<std::int32_t>& tokens) {
  if (tokens.empty()) return make_error(ErrorCode::kInvalidArgument, "nothing to score");
  if (static_cast<std::int64_t>(tokens.size()) > context_length_) {
    return make_error(ErrorCode::kOutOfRange, "{} tokens exceed the context of {}", tokens.size(),
                      context_length_);
  }
  forget_main_sequence();
  TESSERA_TRY(cache_.reserve(kMainSequence, static_cast<std::int64_t>(tokens.size())));
  std::vector<float> logits;
  auto status = prefill(kMainSequence, tokens, 0, true, logits);
  forget_main_sequence();
  TESSERA_TRY(status);
  return logits;
}

}  // namespace tessera::engine

#include "engine/model/decoder.h"

#include <cmath>
#include <string>

#include "engine/executor.h"
#include "engine/scratch.h"
#include "engine/weights.h"

namespace tessera::engine {

// ---- layer --------------------------------------------------------------------------------------

namespace {

struct DecoderLayer {
  Tensor attention_norm;                     // [hidden]
  std::vector<StackedPart> query_key_value;  // query, key, value: [(heads + 2 kv_heads) * head_dim, hidden]
  Tensor query_bias;                         // [heads * head_dim] with attention_bias, else empty
  Tensor key_bias;                           // [kv_heads * head_dim] with attention_bias, else empty
  Tensor value_bias;                         // [kv_heads * head_dim] with attention_bias, else empty
  Tensor attention_out;                      // [hidden, heads * head_dim]
  Tensor ffn_norm;                           // [hidden]
  std::vector<StackedPart> gate_up;          // gate, up: [2 * intermediate, hidden]
  Tensor down;                               // [hidden, intermediate]
};

// ---- model ----------------------------------------------------------------------------------------

class DecoderModel final : public Model {
 public:
  DecoderModel(TransformerConfig config, DecoderOptions options, runtime::Device device)
      : config_(std::move(config)), options_(options), device_(std::move(device)) {}

  Result<void> load(const gguf::File& file);

  const TransformerConfig& config() const override { return config_; }
  std::int64_t parameter_count() const override { return parameter_count_; }
  KvCacheShape kv_cache_shape(int n_blocks, int block_size) const override {
    return {config_.num_hidden_layers,
            config_.num_key_value_heads,
            config_.head_dim,
            block_size,
            n_blocks,
            DType::kF16};
  }
  Result<void> forward(const Batch& batch, KvCache& cache, std::vector<float>& logits) override;

 private:
  void run_layers(Executor& run, const Batch& batch, KvCache& cache, std::int64_t n_tokens);

  TransformerConfig config_;
  DecoderOptions options_;
  runtime::Device device_;
  std::unique_ptr<runtime::Stream> stream_;
  std::vector<runtime::Buffer> weight_buffers_;
  std::int64_t parameter_count_ = 0;
  Tensor token_embedding_;  // [vocab, hidden]
  Tensor output_norm_;      // [hidden]
  Tensor output_;           // [vocab, hidden] (the embedding when tied)
  Tensor rope_factors_;     // [rope_dimensions / 2] or empty
  std::vector<DecoderLayer> layers_;
  Scratch scratch_;
};

// A bias is added to F32 activations row by row, so it must itself be F32 (as converters write it).
Result<Tensor> load_bias(WeightLoader& weights, const gguf::File& file, const std::string& name,
                         std::int64_t size) {
  TESSERA_ASSIGN_OR_RETURN(Tensor bias, weights.load(name, {size}));
  if (bias.dtype() != DType::kF32)
    return make_error(ErrorCode::kInvalidFormat, "{}: {} must be F32", file.path(), name);
  return bias;
}

Result<void> DecoderModel::load(const gguf::File& file) {
  const std::int64_t hidden = config_.hidden_size;
  const std::int64_t q_size = static_cast<std::int64_t>(config_.num_attention_heads) * config_.head_dim;
  const std::int64_t kv_size = static_cast<std::int64_t>(config_.num_key_value_heads) * config_.head_dim;
  const std::int64_t intermediate = config_.intermediate_size;
  WeightLoader weights(file, device_);
  TESSERA_ASSIGN_OR_RETURN(token_embedding_, weights.load("token_embd.weight", {config_.vocab_size, hidden}));
  TESSERA_ASSIGN_OR_RETURN(output_norm_, weights.load("output_norm.weight", {hidden}));
  if (config_.tie_word_embeddings) {
    TESSERA_ASSIGN_OR_RETURN(output_, weights.pack_for_matmul(token_embedding_));
  } else {
    TESSERA_ASSIGN_OR_RETURN(output_, weights.load_matmul("output.weight", {config_.vocab_size, hidden}));
  }
  TESSERA_ASSIGN_OR_RETURN(rope_factors_,
                           weights.load_optional("rope_freqs.weight", {config_.rope_dimensions / 2}));
  if (rope_factors_.data() != nullptr && rope_factors_.dtype() != DType::kF32) {
    return make_error(ErrorCode::kInvalidFormat, "{}: rope_freqs.weight must be F32", file.path());
  }
  for (int index = 0; index < config_.num_hidden_layers; ++index) {
    const std::string block = "blk." + std::to_string(index) + ".";
    DecoderLayer layer;
    TESSERA_ASSIGN_OR_RETURN(layer.attention_norm, weights.load(block + "attn_norm.weight", {hidden}));
    TESSERA_ASSIGN_OR_RETURN(layer.query_key_value,
                             weights.load_stacked_matmul({{block + "attn_q.weight", q_size},
                                                          {block + "attn_k.weight", kv_size},
                                                          {block + "attn_v.weight", kv_size}},
                                                         hidden));
    if (options_.attention_bias) {
      TESSERA_ASSIGN_OR_RETURN(layer.query_bias, load_bias(weights, file, block + "attn_q.bias", q_size));
      TESSERA_ASSIGN_OR_RETURN(layer.key_bias, load_bias(weights, file, block + "attn_k.bias", kv_size));
      TESSERA_ASSIGN_OR_RETURN(layer.value_bias, load_bias(weights, file, block + "attn_v.bias", kv_size));
    }
    TESSERA_ASSIGN_OR_RETURN(layer.attention_out,
                             weights.load_matmul(block + "attn_output.weight", {hidden, q_size}));
    TESSERA_ASSIGN_OR_RETURN(layer.ffn_norm, weights.load(block + "ffn_norm.weight", {hidden}));
    TESSERA_ASSIGN_OR_RETURN(
        layer.gate_up,
        weights.load_stacked_matmul(
            {{block + "ffn_gate.weight", intermediate}, {block + "ffn_up.weight", intermediate}}, hidden));
    TESSERA_ASSIGN_OR_RETURN(layer.down,
                             weights.load_matmul(block + "ffn_down.weight", {hidden, intermediate}));
    layers_.push_back(layer);
  }
  parameter_count_ = weights.parameter_count();
  weight_buffers_ = weights.take_buffers();
  TESSERA_ASSIGN_OR_RETURN(stream_, runtime::Stream::create(device_));
  return {};
}

void DecoderModel::run_layers(Executor& run, const Batch& batch, KvCache& cache, std::int64_t n_tokens) {
  const std::int64_t hidden = config_.hidden_size;
  const std::int64_t heads = config_.num_attention_heads;
  const std::int64_t kv_heads = config_.num_key_value_heads;
  const std::int64_t head_dim = config_.head_dim;
  const auto& shape = cache.shape();
  const std::int64_t cache_rows = static_cast<std::int64_t>(shape.n_blocks) * shape.block_size;

  Tensor x = scratch_.f32("x", {n_tokens, hidden});  // residual stream
  Tensor normed = scratch_.f32("normed", {n_tokens, hidden});
  const std::int64_t intermediate = config_.intermediate_size;
  // [n_tokens, (heads + 2 kv_heads) * head_dim]: each row holds the token's query, key and value
  Tensor query_key_value = scratch_.f32("query_key_value", {n_tokens, (heads + 2 * kv_heads) * head_dim});
  Tensor q_rotated = scratch_.f32("q_rotated", {n_tokens, heads, head_dim});
  Tensor k_rotated = scratch_.f32("k_rotated", {n_tokens, kv_heads, head_dim});
  Tensor attended = scratch_.f32("attended", {n_tokens, heads, head_dim});
  Tensor projected = scratch_.f32("projected", {n_tokens, hidden});
  Tensor gate_up = scratch_.f32("gate_up", {n_tokens, 2 * intermediate});  // [n_tokens, 2 * intermediate]
  Tensor activated = scratch_.f32("activated", {n_tokens, intermediate});
  const Tensor q_rows = query_key_value.columns(0, heads * head_dim);  // [n_tokens, heads * head_dim]
  const Tensor k_rows =
      query_key_value.columns(heads * head_dim, kv_heads * head_dim);  // [n_tokens, kv_heads * head_dim]
  const Tensor v_rows = query_key_value.columns((heads + kv_heads) * head_dim, kv_heads * head_dim);

  const Tensor tokens = scratch_.i32("tokens", batch.tokens);                 // [n_tokens]
  const Tensor positions = scratch_.i32("positions", batch.positions);        // [n_tokens]
  const Tensor slots = scratch_.i32("slots", scratch_.slots);                 // [n_tokens]
  const Tensor token_rows = scratch_.i32("token_rows", scratch_.token_rows);  // [n_tokens]
  const Tensor block_table = scratch_.i32_matrix("block_table", scratch_.block_table, scratch_.table_rows);

  RopeSettings rope;
  rope.mode = options_.rope_mode;
  rope.n_rot = config_.rope_dimensions;
  rope.freq_base = config_.rope_theta;
  rope.freq_scale = 1.0F / config_.rope_scaling_factor;
  rope.freq_factors = static_cast<const float*>(rope_factors_.data());
  const float attention_scale = 1.0F / std::sqrt(static_cast<float>(head_dim));

  run.get_rows(x, token_embedding_, tokens);
  for (std::size_t index = 0; index < layers_.size(); ++index) {
    const DecoderLayer& layer = layers_[index];
    // Attention block.
    run.rms_norm(normed, x, layer.attention_norm, config_.rms_norm_eps);
    for (const StackedPart& part : layer.query_key_value)
      run.matmul(query_key_value.columns(part.first_column, part.columns), part.weight, normed);
    if (options_.attention_bias) {
      run.add(q_rows, q_rows, layer.query_bias.reshaped({1, heads * head_dim}));
      run.add(k_rows, k_rows, layer.key_bias.reshaped({1, kv_heads * head_dim}));
      run.add(v_rows, v_rows, layer.value_bias.reshaped({1, kv_heads * head_dim}));
    }
    run.rope(q_rotated, q_rows.split_columns(heads), positions, rope);
    run.rope(k_rotated, k_rows.split_columns(kv_heads), positions, rope);
    Tensor key_cache = cache.keys(static_cast<int>(index));      // [n_blocks, block_size, kv_heads, head_dim]
    Tensor value_cache = cache.values(static_cast<int>(index));  // [n_blocks, block_size, kv_heads, head_dim]
    run.set_rows(key_cache.reshaped({cache_rows, kv_heads * head_dim}),
                 k_rotated.reshaped({n_tokens, kv_heads * head_dim}), slots);
    run.set_rows(value_cache.reshaped({cache_rows, kv_heads * head_dim}), v_rows, slots);
    run.attention(attended, q_rotated, key_cache, value_cache, block_table, token_rows, positions,
                  attention_scale);
    run.matmul(projected, layer.attention_out, attended.reshaped({n_tokens, heads * head_dim}));
    run.add(x, x, projected);
    // Feed-forward block.
    run.rms_norm(normed, x, layer.ffn_norm, config_.rms_norm_eps);
    for (const StackedPart& part : layer.gate_up)
      run.matmul(gate_up.columns(part.first_column, part.columns), part.weight, normed);
    run.swiglu(activated, gate_up.columns(0, intermediate), gate_up.columns(intermediate, intermediate));
    run.matmul(projected, layer.down, activated);
    run.add(x, x, projected);
  }
}

Result<void> DecoderModel::forward(const Batch& batch, KvCache& cache, std::vector<float>& logits) {
  const auto n_tokens = static_cast<std::int64_t>(batch.size());
  if (n_tokens == 0) return {};
  TESSERA_TRY(scratch_.prepare(device_, *stream_, batch, cache));
  try {
    Executor run(*stream_);
    run_layers(run, batch, cache, n_tokens);
    // Only the rows that want logits go through the output head.
    const auto n_outputs = static_cast<std::int64_t>(scratch_.output_rows.size());
    if (n_outputs == 0) return {};
    const std::int64_t hidden = config_.hidden_size;
    Tensor x = scratch_.f32("x", {n_tokens, hidden});
    Tensor selected = scratch_.f32("selected", {n_outputs, hidden});
    Tensor normed = scratch_.f32("selected_normed", {n_outputs, hidden});
    Tensor output = scratch_.f32("logits", {n_outputs, config_.vocab_size});
    run.get_rows(selected, x, scratch_.i32("output_rows", scratch_.output_rows));
    run.rms_norm(normed, selected, output_norm_, config_.rms_norm_eps);
    run.matmul(output, output_, normed);
    TESSERA_TRY(stream_->synchronize());
    std::size_t offset = logits.size();
    logits.resize(offset + static_cast<std::size_t>(n_outputs * config_.vocab_size));
    TESSERA_TRY(scratch_.read(*stream_, output, logits.data() + offset));
  } catch (const Exception& failure) {
    return failure.error();
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Model>> load_dense_decoder(TransformerConfig config, DecoderOptions options,
                                                  const gguf::File& file, const runtime::Device& device) {
  auto model = std::make_unique<DecoderModel>(std::move(config), options, device);
  TESSERA_TRY(model->load(file));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace tessera::engine

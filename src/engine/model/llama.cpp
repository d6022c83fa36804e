#include "engine/model/llama.h"

#include "engine/model/decoder.h"

namespace tessera::engine {

// ---- config -------------------------------------------------------------------------------------

Result<TransformerConfig> read_llama_config(const gguf::File& file) {
  TransformerConfig config;
  TESSERA_ASSIGN_OR_RETURN(config.architecture, file.get_string("general.architecture"));
  const std::string prefix = config.architecture + ".";
  auto positive = [&](const std::string& key, int& target) -> Result<void> {
    TESSERA_ASSIGN_OR_RETURN(std::int64_t value, file.get_int(prefix + key));
    if (value <= 0 || value > (1 << 24)) {
      return make_error(ErrorCode::kInvalidFormat, "{}: {}{} = {} is out of range", file.path(), prefix, key,
                        value);
    }
    target = static_cast<int>(value);
    return {};
  };
  TESSERA_TRY(positive("embedding_length", config.hidden_size));
  TESSERA_TRY(positive("feed_forward_length", config.intermediate_size));
  TESSERA_TRY(positive("block_count", config.num_hidden_layers));
  TESSERA_TRY(positive("attention.head_count", config.num_attention_heads));
  TESSERA_TRY(positive("context_length", config.max_position_embeddings));
  config.num_key_value_heads = config.num_attention_heads;
  if (file.find(prefix + "attention.head_count_kv"))
    TESSERA_TRY(positive("attention.head_count_kv", config.num_key_value_heads));
  if (config.num_attention_heads % config.num_key_value_heads != 0) {
    return make_error(ErrorCode::kInvalidFormat, "{}: head_count {} is not a multiple of head_count_kv {}",
                      file.path(), config.num_attention_heads, config.num_key_value_heads);
  }
  config.head_dim = config.hidden_size / config.num_attention_heads;
  if (file.find(prefix + "attention.key_length"))
    TESSERA_TRY(positive("attention.key_length", config.head_dim));
  config.rope_dimensions = config.head_dim;
  if (file.find(prefix + "rope.dimension_count"))
    TESSERA_TRY(positive("rope.dimension_count", config.rope_dimensions));
  if (config.rope_dimensions > config.head_dim || config.rope_dimensions % 2 != 0) {
    return make_error(ErrorCode::kInvalidFormat, "{}: rope.dimension_count {} does not fit head size {}",
                      file.path(), config.rope_dimensions, config.head_dim);
  }
  TESSERA_ASSIGN_OR_RETURN(double epsilon, file.get_float(prefix + "attention.layer_norm_rms_epsilon"));
  config.rms_norm_eps = static_cast<float>(epsilon);
  if (file.find(prefix + "rope.freq_base")) {
    TESSERA_ASSIGN_OR_RETURN(double base, file.get_float(prefix + "rope.freq_base"));
    config.rope_theta = static_cast<float>(base);
  }
  if (file.find(prefix + "rope.scaling.type")) {
    TESSERA_ASSIGN_OR_RETURN(std::string scaling, file.get_string(prefix + "rope.scaling.type"));
    if (scaling == "linear") {
      TESSERA_ASSIGN_OR_RETURN(double factor, file.get_float(prefix + "rope.scaling.factor"));
      if (!(factor > 0.0))
        return make_error(ErrorCode::kInvalidFormat, "{}: rope.scaling.factor {}", file.path(), factor);
      config.rope_scaling_factor = static_cast<float>(factor);
    } else if (scaling != "none") {
      return make_error(ErrorCode::kUnsupported, "{}: rope scaling '{}' is not supported yet", file.path(),
                        scaling);
    }
  }
  TESSERA_ASSIGN_OR_RETURN(const gguf::Value* tokens,
                           file.get_array("tokenizer.ggml.tokens", gguf::ValueType::kString));
  config.vocab_size = static_cast<int>(tokens->elements.size());
  if (file.find(prefix + "vocab_size")) {
    TESSERA_ASSIGN_OR_RETURN(std::int64_t declared, file.get_int(prefix + "vocab_size"));
    if (declared != config.vocab_size) {
      return make_error(ErrorCode::kInvalidFormat,
                        "{}: tokenizer.ggml.tokens holds {} tokens but {}vocab_size is {}", file.path(),
                        config.vocab_size, prefix, declared);
    }
  }
  config.tie_word_embeddings = file.find_tensor("output.weight") == nullptr;
  return config;
}

// ---- model --------------------------------------------------------------------------------------

Result<std::unique_ptr<Model>> load_llama(const gguf::File& file, const runtime::Device& device) {
  TESSERA_ASSIGN_OR_RETURN(TransformerConfig config, read_llama_config(file));
  DecoderOptions options;
  options.rope_mode = TESSERA_ROPE_NORMAL;
  return load_dense_decoder(std::move(config), options, file, device);
}

}  // namespace tessera::engine

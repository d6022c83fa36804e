#include "engine/model/qwen2.h"

#include "engine/model/decoder.h"
#include "engine/model/llama.h"

namespace tessera::engine {

// The qwen2.* keys are the llama.* ones under another prefix (embedding_length = hidden_size,
// attention.head_count_kv = num_key_value_heads, rope.freq_base = rope_theta, ...), so the Llama
// reader serves both. Qwen2.5 sets tie_word_embeddings in its small models: output.weight is absent.
Result<std::unique_ptr<Model>> load_qwen2(const gguf::File& file, const runtime::Device& device) {
  TESSERA_ASSIGN_OR_RETURN(TransformerConfig config, read_llama_config(file));
  DecoderOptions options;
  options.attention_bias = true;
  options.rope_mode = TESSERA_ROPE_NEOX;
  return load_dense_decoder(std::move(config), options, file, device);
}

}  // namespace tessera::engine

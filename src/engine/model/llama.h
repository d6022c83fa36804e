// Llama-family decoder (GGUF architecture "llama"): SmolLM, TinyLlama, Llama-2/3, Mistral-style
// dense models. Pre-norm blocks of grouped-query attention with RoPE and a SwiGLU feed-forward.
#pragma once

#include <memory>

#include "engine/model/model.h"

namespace tessera::engine {

Result<TransformerConfig> read_llama_config(const gguf::File& file);
Result<std::unique_ptr<Model>> load_llama(const gguf::File& file, const runtime::Device& device);

}  // namespace tessera::engine

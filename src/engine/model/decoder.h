// Dense pre-norm decoder shared by the Llama and Qwen2 families: grouped-query attention with RoPE over
// the paged KV cache and a SwiGLU feed-forward. The families differ only in the options below.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/model/model.h"
#include "tessera/backend_abi.h"

namespace tessera::engine {

struct DecoderOptions {
  bool attention_bias = false;  // q/k/v projections add F32 biases (Qwen2)
  // TESSERA_ROPE_NORMAL: GGUF llama files store Q/K permuted for adjacent-pair rotation; TESSERA_ROPE_NEOX:
  // converters keep Hugging Face's half-split layout (Qwen2).
  tessera_rope_mode rope_mode = TESSERA_ROPE_NORMAL;
};

Result<std::unique_ptr<Model>> load_dense_decoder(TransformerConfig config, DecoderOptions options,
                                                  const gguf::File& file, const runtime::Device& device);

}  // namespace tessera::engine

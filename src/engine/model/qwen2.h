// Qwen2-family decoder (GGUF architecture "qwen2"): Qwen1.5, Qwen2, Qwen2.5 dense models. A Llama
// block with biases on the query, key and value projections and half-split (NeoX) rotary embedding.
#pragma once

#include <memory>

#include "engine/model/model.h"

namespace tessera::engine {

Result<std::unique_ptr<Model>> load_qwen2(const gguf::File& file, const runtime::Device& device);

}  // namespace tessera::engine

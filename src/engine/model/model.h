// The interface every architecture implements (one file per architecture in this folder).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/batch.h"
#include "engine/kv_cache.h"
#include "formats/gguf_reader.h"
#include "runtime/device.h"

namespace tessera::engine {

// Hyper-parameters shared by decoder-only transformers, under their Hugging Face config.json names.
struct TransformerConfig {
  std::string architecture;
  int hidden_size = 0;
  int intermediate_size = 0;
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int num_key_value_heads = 0;
  int head_dim = 0;
  int vocab_size = 0;
  int max_position_embeddings = 0;
  float rms_norm_eps = 1e-5F;
  float rope_theta = 10000.0F;
  float rope_scaling_factor = 1.0F;  // linear position scaling
  int rope_dimensions = 0;           // leading dims of each head that rotate
  bool tie_word_embeddings = false;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const TransformerConfig& config() const = 0;
  virtual std::int64_t parameter_count() const = 0;
  // What the KV cache of this model looks like for a given number of blocks.
  virtual KvCacheShape kv_cache_shape(int n_blocks, int block_size) const = 0;
  // Runs one flattened step. Appends to `logits` one row of vocab_size floats for each token whose
  // wants_logits is set, in batch order. The cache must already hold blocks for every position.
  virtual Result<void> forward(const Batch& batch, KvCache& cache, std::vector<float>& logits) = 0;
};

// Builds the model named by general.architecture, checking every tensor's presence, type and shape.
Result<std::unique_ptr<Model>> load_model(const gguf::File& file, const runtime::Device& device);

}  // namespace tessera::engine

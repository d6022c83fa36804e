// Executor: issues ops on a stream as plain function calls, so a model's forward pass reads top to
// bottom. A failed or unsupported op throws tessera::Exception; Model::forward turns it into a Result.
#pragma once

#include "runtime/device.h"
#include "tensor/tensor.h"

namespace tessera::engine {

struct RopeSettings {
  tessera_rope_mode mode = TESSERA_ROPE_NORMAL;
  int n_rot = 0;
  float freq_base = 10000.0F;
  float freq_scale = 1.0F;
  const float* freq_factors = nullptr;  // [n_rot / 2] or null
};

class Executor {
 public:
  explicit Executor(runtime::Stream& stream) : stream_(stream) {}

  void get_rows(const Tensor& out, const Tensor& table, const Tensor& ids);
  void set_rows(const Tensor& table, const Tensor& rows, const Tensor& ids);
  void matmul(const Tensor& out, const Tensor& weight, const Tensor& x);
  void add(const Tensor& out, const Tensor& a, const Tensor& b);
  void mul(const Tensor& out, const Tensor& a, const Tensor& b);
  void scale(const Tensor& out, const Tensor& a, float factor);
  void rms_norm(const Tensor& out, const Tensor& x, const Tensor& weight, float epsilon);
  void rope(const Tensor& out, const Tensor& x, const Tensor& positions, const RopeSettings& settings);
  void softmax(const Tensor& out, const Tensor& x, float factor);
  void silu(const Tensor& out, const Tensor& x);
  void swiglu(const Tensor& out, const Tensor& gate, const Tensor& up);
  void attention(const Tensor& out, const Tensor& q, const Tensor& key_cache, const Tensor& value_cache,
                 const Tensor& block_table, const Tensor& token_sequences, const Tensor& token_positions, float factor);

  runtime::Stream& stream() { return stream_; }

 private:
  void run(int op, std::initializer_list<const Tensor*> inputs, const Tensor& out, const tessera_op_params& params);
  runtime::Stream& stream_;
};

}  // namespace tessera::engine

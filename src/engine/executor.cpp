#include "engine/executor.h"

namespace tessera::engine {

void Executor::run(int op, std::initializer_list<const Tensor*> inputs, const Tensor& out,
                   const tessera_op_params& params) {
  tessera_op_call call{};
  call.op = op;
  call.n_inputs = static_cast<std::int32_t>(inputs.size());
  int index = 0;
  for (const Tensor* input : inputs) call.inputs[index++] = input->descriptor();
  call.output = out.descriptor();
  call.params = params;
  // Kernels are keyed by the layout of input 0 (a weight the backend packed, or plain).
  stream_.run(call, inputs.size() > 0 ? (*inputs.begin())->layout() : TESSERA_LAYOUT_PLAIN).value_or_throw();
}

void Executor::get_rows(const Tensor& out, const Tensor& table, const Tensor& ids) {
  run(TESSERA_OP_GET_ROWS, {&table, &ids}, out, {});
}

void Executor::set_rows(const Tensor& table, const Tensor& rows, const Tensor& ids) {
  run(TESSERA_OP_SET_ROWS, {&rows, &ids}, table, {});
}

void Executor::matmul(const Tensor& out, const Tensor& weight, const Tensor& x) {
  run(TESSERA_OP_MATMUL, {&weight, &x}, out, {});
}

void Executor::add(const Tensor& out, const Tensor& a, const Tensor& b) { run(TESSERA_OP_ADD, {&a, &b}, out, {}); }

void Executor::mul(const Tensor& out, const Tensor& a, const Tensor& b) { run(TESSERA_OP_MUL, {&a, &b}, out, {}); }

void Executor::scale(const Tensor& out, const Tensor& a, float factor) {
  tessera_op_params params{};
  params.scale = factor;
  run(TESSERA_OP_SCALE, {&a}, out, params);
}

void Executor::rms_norm(const Tensor& out, const Tensor& x, const Tensor& weight, float epsilon) {
  tessera_op_params params{};
  params.epsilon = epsilon;
  run(TESSERA_OP_RMS_NORM, {&x, &weight}, out, params);
}

void Executor::rope(const Tensor& out, const Tensor& x, const Tensor& positions, const RopeSettings& settings) {
  tessera_op_params params{};
  params.rope.mode = settings.mode;
  params.rope.n_rot = settings.n_rot;
  params.rope.freq_base = settings.freq_base;
  params.rope.freq_scale = settings.freq_scale;
  params.rope.freq_factors = settings.freq_factors;
  run(TESSERA_OP_ROPE, {&x, &positions}, out, params);
}

void Executor::softmax(const Tensor& out, const Tensor& x, float factor) {
  tessera_op_params params{};
  params.scale = factor;
  run(TESSERA_OP_SOFTMAX, {&x}, out, params);
}

void Executor::silu(const Tensor& out, const Tensor& x) { run(TESSERA_OP_SILU, {&x}, out, {}); }

void Executor::swiglu(const Tensor& out, const Tensor& gate, const Tensor& up) {
  run(TESSERA_OP_SWIGLU, {&gate, &up}, out, {});
}

void Executor::attention(const Tensor& out, const Tensor& q, const Tensor& key_cache, const Tensor& value_cache,
                         const Tensor& block_table, const Tensor& token_sequences, const Tensor& token_positions,
                         float factor) {
  tessera_op_params params{};
  params.attention.scale = factor;
  run(TESSERA_OP_ATTENTION, {&q, &key_cache, &value_cache, &block_table, &token_sequences, &token_positions}, out,
      params);
}

}  // namespace tessera::engine

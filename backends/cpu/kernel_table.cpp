// The kernel table: one entry per (op, input dtypes, output dtype). A combination not listed here is
// unsupported on the CPU backend. Instruction-set levels are chosen inside the kernels at run time, so
// one entry serves every CPU.
#include <array>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "kernels/packed.h"
#include "kernels/packed_f16.h"

namespace tessera::cpu {

namespace {

constexpr int32_t kNone = TESSERA_DTYPE_NONE;

tessera_kernel_entry entry(int32_t op, std::array<int32_t, TESSERA_MAX_INPUTS> inputs, int32_t output,
                           tessera_kernel_fn run, const char* name, int32_t layout = TESSERA_LAYOUT_PLAIN) {
  tessera_kernel_entry result{};
  result.op = op;
  for (int i = 0; i < TESSERA_MAX_INPUTS; ++i) result.input_dtypes[i] = inputs[static_cast<size_t>(i)];
  result.output_dtype = output;
  result.layout = layout;
  result.run = run;
  result.name = name;
  return result;
}

struct WeightType {
  int32_t dtype;
  const char* get_rows_name;
  const char* matmul_name;
};

constexpr WeightType kWeightTypes[] = {
    {TESSERA_DTYPE_F32, "get_rows_f32", "matmul_f32_f32"},     {TESSERA_DTYPE_F16, "get_rows_f16", "matmul_f16_f32"},
    {TESSERA_DTYPE_BF16, "get_rows_bf16", "matmul_bf16_f32"},  {TESSERA_DTYPE_Q8_0, "get_rows_q8_0", "matmul_q8_0_f32"},
    {TESSERA_DTYPE_Q4_0, "get_rows_q4_0", "matmul_q4_0_f32"},  {TESSERA_DTYPE_Q4_1, "get_rows_q4_1", "matmul_q4_1_f32"},
    {TESSERA_DTYPE_Q4_K, "get_rows_q4_k", "matmul_q4_k_f32"},  {TESSERA_DTYPE_Q5_K, "get_rows_q5_k", "matmul_q5_k_f32"},
    {TESSERA_DTYPE_Q6_K, "get_rows_q6_k", "matmul_q6_k_f32"},  {TESSERA_DTYPE_Q5_0, "get_rows_q5_0", "matmul_q5_0_f32"},
    {TESSERA_DTYPE_Q5_1, "get_rows_q5_1", "matmul_q5_1_f32"},
};

std::vector<tessera_kernel_entry> build_table() {
  constexpr int32_t F32 = TESSERA_DTYPE_F32, F16 = TESSERA_DTYPE_F16, I32 = TESSERA_DTYPE_I32;
  std::vector<tessera_kernel_entry> table;
  for (const auto& weight : kWeightTypes) {
    table.push_back(entry(TESSERA_OP_GET_ROWS, {weight.dtype, I32, kNone, kNone, kNone, kNone, kNone, kNone}, F32,
                          kernel_get_rows, weight.get_rows_name));
    table.push_back(entry(TESSERA_OP_MATMUL, {weight.dtype, F32, kNone, kNone, kNone, kNone, kNone, kNone}, F32,
                          kernel_matmul, weight.matmul_name));
  }
  // Weights that pack_weight rewrote into the rows16 layout.
  for (const auto& packed : {std::pair{TESSERA_DTYPE_Q8_0, "matmul_q8_0_rows16_f32"}, std::pair{TESSERA_DTYPE_Q4_0, "matmul_q4_0_rows16_f32"},
                             std::pair{TESSERA_DTYPE_Q4_1, "matmul_q4_1_rows16_f32"}, std::pair{TESSERA_DTYPE_Q4_K, "matmul_q4_k_rows16_f32"},
                             std::pair{TESSERA_DTYPE_Q5_0, "matmul_q5_0_rows16_f32"}, std::pair{TESSERA_DTYPE_Q5_1, "matmul_q5_1_rows16_f32"},
                             std::pair{TESSERA_DTYPE_Q6_K, "matmul_q6_k_rows16_f32"}}) {
    table.push_back(entry(TESSERA_OP_MATMUL, {packed.first, F32, kNone, kNone, kNone, kNone, kNone, kNone}, F32,
                          kernel_matmul_rows16, packed.second, TESSERA_CPU_LAYOUT_ROWS16));
  }
  table.push_back(entry(TESSERA_OP_MATMUL, {F16, F32, kNone, kNone, kNone, kNone, kNone, kNone}, F32,
                        kernel_matmul_f16_rows16, "matmul_f16_rows16_f32", TESSERA_CPU_LAYOUT_ROWS16));
  const std::array<int32_t, TESSERA_MAX_INPUTS> unary = {F32, kNone, kNone, kNone, kNone, kNone, kNone, kNone};
  const std::array<int32_t, TESSERA_MAX_INPUTS> binary = {F32, F32, kNone, kNone, kNone, kNone, kNone, kNone};
  table.push_back(entry(TESSERA_OP_SET_ROWS, {F32, I32, kNone, kNone, kNone, kNone, kNone, kNone}, F32, kernel_set_rows, "set_rows_f32"));
  table.push_back(entry(TESSERA_OP_SET_ROWS, {F32, I32, kNone, kNone, kNone, kNone, kNone, kNone}, F16, kernel_set_rows, "set_rows_f16"));
  table.push_back(entry(TESSERA_OP_ADD, binary, F32, kernel_add, "add_f32"));
  table.push_back(entry(TESSERA_OP_MUL, binary, F32, kernel_mul, "mul_f32"));
  table.push_back(entry(TESSERA_OP_SCALE, unary, F32, kernel_scale, "scale_f32"));
  table.push_back(entry(TESSERA_OP_RMS_NORM, unary, F32, kernel_rms_norm, "rms_norm_f32"));
  table.push_back(entry(TESSERA_OP_RMS_NORM, binary, F32, kernel_rms_norm, "rms_norm_weighted_f32"));
  table.push_back(entry(TESSERA_OP_ROPE, {F32, I32, kNone, kNone, kNone, kNone, kNone, kNone}, F32, kernel_rope, "rope_f32"));
  table.push_back(entry(TESSERA_OP_SOFTMAX, unary, F32, kernel_softmax, "softmax_f32"));
  table.push_back(entry(TESSERA_OP_SILU, unary, F32, kernel_silu, "silu_f32"));
  table.push_back(entry(TESSERA_OP_GELU, unary, F32, kernel_gelu, "gelu_f32"));
  table.push_back(entry(TESSERA_OP_SWIGLU, binary, F32, kernel_swiglu, "swiglu_f32"));
  table.push_back(entry(TESSERA_OP_ATTENTION, {F32, F32, F32, I32, I32, I32, kNone, kNone}, F32, kernel_attention, "attention_f32_cache"));
  table.push_back(entry(TESSERA_OP_ATTENTION, {F32, F16, F16, I32, I32, I32, kNone, kNone}, F32, kernel_attention, "attention_f16_cache"));
  return table;
}

const std::vector<tessera_kernel_entry>& table() {
  static const std::vector<tessera_kernel_entry> entries = build_table();
  return entries;
}

}  // namespace

const tessera_kernel_entry* kernel_table() { return table().data(); }
std::uint32_t kernel_table_size() { return static_cast<std::uint32_t>(table().size()); }

}  // namespace tessera::cpu

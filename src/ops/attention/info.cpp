#include "ops/attention/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_attention(const tessera_op_call& call) {
  TESSERA_TRY(expect_inputs(call, "attention", 6, 6));
  const tessera_tensor& q = call.inputs[0];            // [n_tokens, n_head, head_dim]
  const tessera_tensor& k_cache = call.inputs[1];      // [n_blocks, block_size, n_kv_head, head_dim]
  const tessera_tensor& v_cache = call.inputs[2];      // [n_blocks, block_size, n_kv_head, head_dim]
  const tessera_tensor& block_table = call.inputs[3];  // [n_seqs, max_blocks_per_seq]
  const tessera_tensor& token_seq = call.inputs[4];    // [n_tokens]
  const tessera_tensor& token_pos = call.inputs[5];    // [n_tokens]
  if (k_cache.dtype != TESSERA_DTYPE_F32 && k_cache.dtype != TESSERA_DTYPE_F16) {
    return make_error(ErrorCode::kUnsupported, "attention: cache dtype {} is not F32 or F16", dtype_string(k_cache.dtype));
  }
  TESSERA_TRY(expect_tensor("attention", "q", q, TESSERA_DTYPE_F32));
  TESSERA_TRY(expect_rank("attention", "q", q, 3));
  TESSERA_TRY(expect_tensor("attention", "k_cache", k_cache, k_cache.dtype));
  TESSERA_TRY(expect_rank("attention", "k_cache", k_cache, 4));
  TESSERA_TRY(expect_tensor("attention", "v_cache", v_cache, k_cache.dtype));
  TESSERA_TRY(expect_tensor("attention", "block_table", block_table, TESSERA_DTYPE_I32));
  TESSERA_TRY(expect_rank("attention", "block_table", block_table, 2));
  TESSERA_TRY(expect_tensor("attention", "token_seq", token_seq, TESSERA_DTYPE_I32));
  TESSERA_TRY(expect_rank("attention", "token_seq", token_seq, 1));
  TESSERA_TRY(expect_tensor("attention", "token_pos", token_pos, TESSERA_DTYPE_I32));
  TESSERA_TRY(expect_rank("attention", "token_pos", token_pos, 1));
  TESSERA_TRY(expect_tensor("attention", "output", call.output, TESSERA_DTYPE_F32));
  if (!same_shape(q, call.output)) {
    return make_error(ErrorCode::kInvalidArgument, "attention: output {} differs from q {}", shape_string(call.output),
                      shape_string(q));
  }
  if (!same_shape(k_cache, v_cache)) {
    return make_error(ErrorCode::kInvalidArgument, "attention: v_cache {} differs from k_cache {}", shape_string(v_cache),
                      shape_string(k_cache));
  }
  if (k_cache.shape[3] != q.shape[2]) {
    return make_error(ErrorCode::kInvalidArgument, "attention: cache head_dim {} differs from q head_dim {}",
                      k_cache.shape[3], q.shape[2]);
  }
  if (k_cache.shape[2] <= 0 || q.shape[1] % k_cache.shape[2] != 0) {
    return make_error(ErrorCode::kInvalidArgument, "attention: n_head {} is not a multiple of n_kv_head {}", q.shape[1],
                      k_cache.shape[2]);
  }
  if (k_cache.shape[1] <= 0) return make_error(ErrorCode::kInvalidArgument, "attention: block_size must be positive");
  if (token_seq.shape[0] != q.shape[0] || token_pos.shape[0] != q.shape[0]) {
    return make_error(ErrorCode::kInvalidArgument, "attention: token_seq {} and token_pos {} must have {} entries",
                      shape_string(token_seq), shape_string(token_pos), q.shape[0]);
  }
  return {};
}

}  // namespace tessera::ops

// ATTENTION: causal attention of query tokens over a paged KV cache with grouped KV heads.
// Inputs, in order (tessera_attention_params in backend_abi.h):
//   q F32 [n_tokens, n_head, head_dim]; k_cache, v_cache F32|F16 [n_blocks, block_size, n_kv_head, head_dim];
//   block_table I32 [n_seqs, max_blocks_per_seq]; token_seq I32 [n_tokens]; token_pos I32 [n_tokens].
// Output F32 [n_tokens, n_head, head_dim]. Token t attends to positions 0..token_pos[t] of sequence
// token_seq[t]; position p lives in block block_table[seq][p / block_size], slot p % block_size.
#pragma once

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::ops {

Result<void> validate_attention(const tessera_op_call& call);
// Computes the op on host tensors in double precision; the call must have passed validate_attention.
Result<void> reference_attention(const tessera_op_call& call);

}  // namespace tessera::ops

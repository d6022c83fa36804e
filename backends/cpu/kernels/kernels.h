// Every kernel of the CPU backend, one file per op (kernels/<op>.cpp), and the table that lists them.
#pragma once

#include <cstdint>

#include <cstddef>

#include "kernels/quant.h"
#include "tessera/backend_abi.h"

namespace tessera::cpu {

tessera_status kernel_get_rows(void* stream, const tessera_op_call* call);
tessera_status kernel_set_rows(void* stream, const tessera_op_call* call);
tessera_status kernel_matmul(void* stream, const tessera_op_call* call);
tessera_status kernel_matmul_rows16(void* stream, const tessera_op_call* call);  // kernels/packed.h layout
tessera_status kernel_add(void* stream, const tessera_op_call* call);
tessera_status kernel_mul(void* stream, const tessera_op_call* call);
tessera_status kernel_scale(void* stream, const tessera_op_call* call);
tessera_status kernel_rms_norm(void* stream, const tessera_op_call* call);
tessera_status kernel_rope(void* stream, const tessera_op_call* call);
tessera_status kernel_softmax(void* stream, const tessera_op_call* call);
tessera_status kernel_silu(void* stream, const tessera_op_call* call);
tessera_status kernel_gelu(void* stream, const tessera_op_call* call);
tessera_status kernel_swiglu(void* stream, const tessera_op_call* call);
tessera_status kernel_attention(void* stream, const tessera_op_call* call);

// The operand checks every matmul kernel shares, for a weight [n_out, n_in] of any layout: x [m, n_in] and
// output [m, n_out], both F32.
tessera_status check_matmul_operands(const tessera_tensor& weight, const tessera_tensor& x, const tessera_tensor& out);

// Converts the rows of x [m, n_in] to `format` in the stream's scratch (rows of *stride bytes, 64-byte
// aligned), split over the stream's threads; shared by the plain and packed matmul kernels.
std::byte* quantize_activations(struct Stream& stream, const tessera_tensor& x, tessera_activation_format format,
                                int64_t* stride);

// Byte distance between consecutive rows of a tensor when it is the same for every row; false otherwise.
bool uniform_row_stride(const tessera_tensor& tensor, int64_t* stride);

// The backend table's pack_weight (kernels/matmul_packed.cpp).
tessera_status pack_weight(void* context, int32_t device, int32_t op, const tessera_tensor* weight, int32_t* layout,
                           tessera_tensor* packed);

const tessera_kernel_entry* kernel_table();
std::uint32_t kernel_table_size();

}  // namespace tessera::cpu

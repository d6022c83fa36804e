// MATMUL over weights packed by pack_weight into the rows16 layout (kernels/packed.h), and the packing
// entry of the backend table.
//
// Every batch adds up in the block order (one integer sum and one multiply-add per row and block), unless
// the backend is set to the plain order (cpu_backend.h): then Q8_0, Q4_0 and Q4_1 batches of fewer than
// kExactBatch rows (decode) add up in the plain kernels' order, bit-identical to the plain layout. Work is
// split in
// tiles of 16 weight rows x kTileActivations activation rows, each tile's weights staying in L1 while
// its activation rows pass.
#include <cstdlib>
#include <cstring>

#include "cpu_backend.h"
#include "kernels/kernels.h"
#include "kernels/packed.h"
#include "kernels/packed_f16.h"

namespace tessera::cpu {

namespace {

constexpr int64_t kExactBatch = 16;
constexpr int64_t kTileActivations = 64;

const tessera_packed_kernels* packed_kernels_for(Isa isa) {
  const tessera_packed_kernels* kernels = nullptr;
  if (isa >= Isa::kAvx512) kernels = avx512_packed_kernels();
  if (kernels == nullptr && isa >= Isa::kAvx2) kernels = avx2_packed_kernels();
  return kernels != nullptr ? kernels : scalar_packed_kernels();
}

}  // namespace

// Byte distance between consecutive rows when it is the same for every row; false otherwise.
bool uniform_row_stride(const tessera_tensor& tensor, int64_t* stride) {
  const int last = tensor.n_dims - 1;
  if (last == 0) {
    *stride = tensor.shape[0] * tensor.stride[0];
    return true;
  }
  for (int dim = 0; dim + 1 < last; ++dim) {
    if (tensor.shape[dim + 1] > 1 && tensor.stride[dim] != tensor.shape[dim + 1] * tensor.stride[dim + 1]) return false;
  }
  *stride = tensor.stride[last - 1];
  return true;
}

tessera_status kernel_matmul_rows16(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "matmul", 2, 2)) return status;
  const tessera_tensor& weight = call->inputs[0];  // [n_out, n_in], rows16 layout
  const tessera_tensor& x = call->inputs[1];       // [m, n_in]
  const tessera_tensor& out = call->output;        // [m, n_out]
  const int kind = packed_index(weight.dtype);
  if (kind < 0) return set_error(TESSERA_STATUS_UNSUPPORTED, fmt::format("matmul rows16: weight dtype {}", weight.dtype));
  if (weight.data == nullptr || weight.n_dims != 2) return invalid("matmul rows16: weight must be [n_out, n_in]");
  if (auto status = check_matmul_operands(weight, x, out)) return status;
  const int64_t n_out = weight.shape[0];
  const int64_t n_in = weight.shape[1];
  const int64_t m = row_count(x);
  if (n_in % block_elements(weight.dtype) != 0) return invalid("matmul rows16: n_in {} is not a whole number of blocks", n_in);
  int64_t out_stride = 0;
  if (!uniform_row_stride(out, &out_stride) || out_stride % 4 != 0) return invalid("matmul rows16: output rows must be evenly spaced");
  if (m == 0 || n_out == 0) return TESSERA_STATUS_OK;

  const tessera_packed_kernels* kernels = packed_kernels_for(stream.context->isa);
  const tessera_activation_format format = packed_activation_format(weight.dtype);
  int64_t activation_stride = 0;
  std::byte* activation = quantize_activations(stream, x, format, &activation_stride);

  const bool exact = stream.context->plain_order && m < kExactBatch;
  const tessera_packed_tile_fn tile = exact ? kernels->exact[kind] : kernels->fast[kind];
  const int64_t group_bytes = (n_in / block_elements(weight.dtype)) * packed_block_bytes(weight.dtype);
  const int64_t groups = (n_out + TESSERA_ROWS16 - 1) / TESSERA_ROWS16;
  const int64_t activation_tiles = (m + kTileActivations - 1) / kTileActivations;
  auto* out_base = static_cast<float*>(out.data);
  const auto* packed = static_cast<const unsigned char*>(weight.data);
  const int64_t per_tile = TESSERA_ROWS16 * n_in * (m < kTileActivations ? m : kTileActivations);
  parallel_for(stream, groups * activation_tiles, per_tile, [&](int64_t begin, int64_t end) {
    for (int64_t index = begin; index < end; ++index) {
      const int64_t group = index % groups;
      const int64_t a0 = (index / groups) * kTileActivations;
      const int n_activations = static_cast<int>(m - a0 < kTileActivations ? m - a0 : kTileActivations);
      const int n_rows = static_cast<int>(n_out - group * TESSERA_ROWS16 < TESSERA_ROWS16 ? n_out - group * TESSERA_ROWS16
                                                                                          : TESSERA_ROWS16);
      tile(n_in, packed + group * group_bytes, activation + a0 * activation_stride, activation_stride, n_activations,
           out_base + a0 * (out_stride / 4) + group * TESSERA_ROWS16, out_stride / 4, n_rows);
    }
  });
  return TESSERA_STATUS_OK;
}

tessera_status pack_weight(void* context, int32_t device, int32_t op, const tessera_tensor* weight, int32_t* layout,
                           tessera_tensor* packed) {
  const auto* state = static_cast<const Context*>(context);
  if (device != 0 || weight == nullptr || layout == nullptr || packed == nullptr) return invalid("cpu: pack_weight arguments");
  // F16 has a rows16 layout of its own (packed_f16.h); the quantized types share kernels/packed.h's.
  const bool half = weight->dtype == TESSERA_DTYPE_F16;
  if (!state->pack || op != TESSERA_OP_MATMUL || (!half && packed_index(weight->dtype) < 0) || weight->n_dims != 2 ||
      weight->data == nullptr || weight->shape[1] % block_elements(weight->dtype) != 0 || weight->shape[0] <= 0 ||
      (half && weight->shape[1] <= 0)) {
    return set_error(TESSERA_STATUS_UNSUPPORTED, "cpu: weight keeps the plain layout");
  }
  const int64_t n_out = weight->shape[0], n_in = weight->shape[1];
  const int64_t bytes = half ? packed_f16_bytes(n_out, n_in) : packed_weight_bytes(weight->dtype, n_out, n_in);
  void* memory = allocate_weight(static_cast<uint64_t>(bytes));
  if (memory == nullptr) return set_error(TESSERA_STATUS_OUT_OF_MEMORY, fmt::format("cpu: cannot allocate {} bytes", bytes));
  if (half) {
    pack_f16_rows16(weight->data, weight->stride[0], n_out, n_in, memory);
  } else {
    pack_rows16(weight->dtype, weight->data, weight->stride[0], n_out, n_in, memory);
  }
  *packed = *weight;
  packed->data = memory;
  *layout = TESSERA_CPU_LAYOUT_ROWS16;
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

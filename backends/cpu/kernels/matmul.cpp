// MATMUL: out[m, n_out] = x[m, n_in] @ weight[n_out, n_in]^T for every weight dtype.
//
// As in llama.cpp, the activation rows are first converted to the format the weight's dot product
// consumes (Q4_0/Q8_0 -> Q8_0, Q4_1 -> Q8_1, K-quants -> Q8_K, F16 -> F16, BF16 -> BF16), so that the
// inner loops are integer dot products. The output is then computed in tiles of weight rows x
// activation rows, each tile in 4 x 4 micro-tiles, tiles spread over the stream's threads.
#include <cstring>

#include "cpu_backend.h"
#include "kernels/kernels.h"
#include "kernels/quant.h"

namespace tessera::cpu {

namespace {

// Tile extents: a tile's weight rows stay in L1/L2 while every activation row of the tile passes.
constexpr int64_t kTileWeightRows = 32;
constexpr int64_t kTileActivationRows = 64;
constexpr int kMicro = 4;

const tessera_dot_kernels* kernels_for(Isa isa) {
  const tessera_dot_kernels* kernels = nullptr;
  if (isa >= Isa::kAvx512) kernels = avx512_dot_kernels();
  if (kernels == nullptr && isa >= Isa::kAvx2) kernels = avx2_dot_kernels();
  return kernels != nullptr ? kernels : scalar_dot_kernels();
}

struct MatmulShape {
  const char* weight;  // [n_out, n_in] row r at weight + r * weight_stride
  int64_t weight_stride;
  const std::byte* activation;  // [m] rows of activation_stride bytes in the converted format
  int64_t activation_stride;
  int64_t n_in;
  int64_t n_out;
  int64_t m;
};

void compute_tile(const MatmulShape& shape, const tessera_tensor& out, tessera_vec_dot_fn dot,
                  tessera_dot_tile_fn tile, int64_t weight_begin, int64_t weight_end,
                  int64_t activation_begin, int64_t activation_end) {
  float block[kMicro * kMicro];
  for (int64_t a = activation_begin; a < activation_end; a += kMicro) {
    const int n_activation = static_cast<int>(activation_end - a < kMicro ? activation_end - a : kMicro);
    float* out_rows[kMicro];
    for (int i = 0; i < n_activation; ++i) out_rows[i] = reinterpret_cast<float*>(row_pointer(out, a + i));
    const std::byte* activation_rows = shape.activation + a * shape.activation_stride;
    for (int64_t w = weight_begin; w < weight_end; w += kMicro) {
      const int n_weight = static_cast<int>(weight_end - w < kMicro ? weight_end - w : kMicro);
      const char* weight_rows = shape.weight + w * shape.weight_stride;
      if (tile != nullptr) {
        tile(shape.n_in, weight_rows, shape.weight_stride, n_weight, activation_rows, shape.activation_stride,
             n_activation, block, kMicro);
      } else {
        for (int i = 0; i < n_activation; ++i) {
          for (int j = 0; j < n_weight; ++j) {
            block[i * kMicro + j] = dot(shape.n_in, weight_rows + j * shape.weight_stride,
                                        activation_rows + i * shape.activation_stride);
          }
        }
      }
      for (int i = 0; i < n_activation; ++i)
        std::memcpy(out_rows[i] + w, block + i * kMicro, sizeof(float) * n_weight);
    }
  }
}

}  // namespace

tessera_status check_matmul_operands(const tessera_tensor& weight, const tessera_tensor& x, const tessera_tensor& out) {
  if (auto status = check_tensor("matmul", "x", x, TESSERA_DTYPE_F32)) return status;
  if (auto status = check_tensor("matmul", "output", out, TESSERA_DTYPE_F32)) return status;
  const int64_t n_out = weight.shape[0];
  const int64_t n_in = weight.shape[1];
  if (row_length(x) != n_in) return invalid("matmul: x rows have {} elements, weight rows {}", row_length(x), n_in);
  if (row_count(out) != row_count(x) || row_length(out) != n_out) {
    return invalid("matmul: output must be [{}, {}]", row_count(x), n_out);
  }
  return TESSERA_STATUS_OK;
}

std::byte* quantize_activations(Stream& stream, const tessera_tensor& x, tessera_activation_format format,
                                int64_t* stride) {
  const int64_t m = row_count(x);
  const int64_t n_in = row_length(x);
  *stride = (activation_row_bytes(format, n_in) + 63) / 64 * 64;
  std::byte* activation = stream.scratch_bytes(static_cast<size_t>(*stride * m));
  const tessera_quantize_row_fn vector = stream.context->isa >= Isa::kAvx2 ? avx2_quantize_row() : nullptr;
  parallel_for(stream, m, n_in * 4, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const auto* source = reinterpret_cast<const float*>(row_pointer(x, row));
      if (vector == nullptr || vector(format, source, activation + row * *stride, n_in) == 0) {
        quantize_activation_row(format, source, activation + row * *stride, n_in);
      }
    }
  });
  return activation;
}

tessera_status kernel_matmul(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "matmul", 2, 2)) return status;
  const tessera_tensor& weight = call->inputs[0];  // [n_out, n_in]
  const tessera_tensor& x = call->inputs[1];       // [m, n_in]
  const tessera_tensor& out = call->output;        // [m, n_out]
  const int kind = dot_index(weight.dtype);
  if (kind < 0)
    return set_error(TESSERA_STATUS_UNSUPPORTED, fmt::format("matmul: weight dtype {}", weight.dtype));
  if (auto status = check_tensor("matmul", "weight", weight, weight.dtype)) return status;
  if (weight.n_dims != 2) return invalid("matmul: weight must be [n_out, n_in]");
  if (auto status = check_matmul_operands(weight, x, out)) return status;
  const int64_t n_out = weight.shape[0];
  const int64_t n_in = weight.shape[1];
  const int64_t m = row_count(x);
  if (n_in % block_elements(weight.dtype) != 0) {
    return invalid("matmul: n_in {} is not a whole number of blocks of {}", n_in,
                   block_elements(weight.dtype));
  }
  if (m == 0 || n_out == 0) return TESSERA_STATUS_OK;

  const tessera_dot_kernels* kernels = kernels_for(stream.context->isa);
  const tessera_activation_format format = activation_format(weight.dtype);
  int64_t activation_stride = 0;
  std::byte* activation = quantize_activations(stream, x, format, &activation_stride);

  const MatmulShape shape{
      static_cast<const char*>(weight.data), weight.stride[0], activation, activation_stride, n_in, n_out, m};
  const tessera_vec_dot_fn dot = kernels->dot[kind];
  const tessera_dot_tile_fn tile = kernels->tile[kind];
  // Decode (small m) splits the weight rows, so every thread streams its own share of the weight once.
  const int64_t weight_tile = m <= kMicro ? kMicro * 4 : kTileWeightRows;
  const int64_t weight_tiles = (n_out + weight_tile - 1) / weight_tile;
  const int64_t activation_tiles = (m + kTileActivationRows - 1) / kTileActivationRows;
  parallel_for(stream, weight_tiles * activation_tiles,
               weight_tile * n_in * (m < kTileActivationRows ? m : kTileActivationRows),
               [&](int64_t begin, int64_t end) {
                 for (int64_t index = begin; index < end; ++index) {
                   const int64_t weight_block = index % weight_tiles;
                   const int64_t activation_block = index / weight_tiles;
                   const int64_t w0 = weight_block * weight_tile;
                   const int64_t a0 = activation_block * kTileActivationRows;
                   compute_tile(shape, out, dot, tile, w0,
                                w0 + weight_tile < n_out ? w0 + weight_tile : n_out, a0,
                                a0 + kTileActivationRows < m ? a0 + kTileActivationRows : m);
                 }
               });
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

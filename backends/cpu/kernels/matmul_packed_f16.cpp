// MATMUL over F16 weights packed into the rows16 layout (kernels/packed_f16.h): packing, the scalar
// kernels, and the driver that spreads tiles of 64 outputs x 64 activation rows over the threads.
//
// Consecutive tiles share their activation rows and walk across the weight, so a thread keeps one
// activation block in L2 while the weight streams; a weight strip is read once per 64 activation rows.
#include <cstdlib>
#include <cstring>

#include "cpu_backend.h"
#include "kernels/kernels.h"
#include "kernels/packed.h"
#include "kernels/packed_f16.h"

namespace tessera::cpu {

namespace {

constexpr int64_t kTileOutputs = 64;
constexpr int64_t kTileActivations = 64;

void scalar_round(const float* source, float* destination, int64_t n) {
  for (int64_t i = 0; i < n; ++i) destination[i] = tessera_f16_to_f32(tessera_f32_to_f16(source[i]));
}

// Each output adds its products in element order, as the scalar plain-layout dot product does.
void scalar_tile(int64_t n_in, const uint16_t* groups, int n_outputs, const float* activation,
                 int64_t activation_stride, int n_activations, float* out, int64_t out_stride) {
  for (int first = 0; first < n_outputs; first += TESSERA_ROWS16) {
    const uint16_t* group = groups + static_cast<int64_t>(first / TESSERA_ROWS16) * TESSERA_ROWS16 * n_in;
    const int rows = n_outputs - first < TESSERA_ROWS16 ? n_outputs - first : TESSERA_ROWS16;
    for (int a = 0; a < n_activations; ++a) {
      const float* x = activation + a * activation_stride;  // [n_in]
      float sums[TESSERA_ROWS16] = {};
      for (int64_t k = 0; k < n_in; ++k) {
        for (int r = 0; r < TESSERA_ROWS16; ++r)
          sums[r] += tessera_f16_to_f32(group[k * TESSERA_ROWS16 + r]) * x[k];
      }
      std::memcpy(out + a * out_stride + first, sums, sizeof(float) * static_cast<size_t>(rows));
    }
  }
}

const tessera_f16_packed_kernels kScalarKernels = {scalar_round, scalar_tile};

const tessera_f16_packed_kernels* kernels_for(Isa isa) {
  const tessera_f16_packed_kernels* kernels = nullptr;
  if (isa >= Isa::kAvx512) kernels = avx512_f16_packed_kernels();
  if (kernels == nullptr && isa >= Isa::kAvx2) kernels = avx2_f16_packed_kernels();
  return kernels != nullptr ? kernels : &kScalarKernels;
}

}  // namespace

const tessera_f16_packed_kernels* scalar_f16_packed_kernels() {
  return &kScalarKernels;
}

int64_t packed_f16_bytes(int64_t n_out, int64_t n_in) {
  return (n_out + TESSERA_ROWS16 - 1) / TESSERA_ROWS16 * TESSERA_ROWS16 * n_in * 2;
}

void pack_f16_rows16(const void* plain, int64_t row_stride, int64_t n_out, int64_t n_in, void* packed) {
  auto* destination = static_cast<uint16_t*>(packed);  // [groups][n_in][16]
  std::memset(destination, 0, static_cast<size_t>(packed_f16_bytes(n_out, n_in)));
  for (int64_t row = 0; row < n_out; ++row) {
    const auto* source =
        reinterpret_cast<const uint16_t*>(static_cast<const char*>(plain) + row * row_stride);
    uint16_t* group = destination + row / TESSERA_ROWS16 * TESSERA_ROWS16 * n_in;
    for (int64_t k = 0; k < n_in; ++k) group[k * TESSERA_ROWS16 + row % TESSERA_ROWS16] = source[k];
  }
}

tessera_status kernel_matmul_f16_rows16(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "matmul", 2, 2)) return status;
  const tessera_tensor& weight = call->inputs[0];  // [n_out, n_in], rows16 layout
  const tessera_tensor& x = call->inputs[1];       // [m, n_in]
  const tessera_tensor& out = call->output;        // [m, n_out]
  if (weight.dtype != TESSERA_DTYPE_F16)
    return set_error(TESSERA_STATUS_UNSUPPORTED, "matmul f16 rows16: weight dtype");
  if (weight.data == nullptr || weight.n_dims != 2)
    return invalid("matmul f16 rows16: weight must be [n_out, n_in]");
  if (auto status = check_matmul_operands(weight, x, out)) return status;
  const int64_t n_out = weight.shape[0];
  const int64_t n_in = weight.shape[1];
  const int64_t m = row_count(x);
  int64_t out_stride = 0;
  if (!uniform_row_stride(out, &out_stride) || out_stride % 4 != 0) {
    return invalid("matmul f16 rows16: output rows must be evenly spaced");
  }
  if (m == 0 || n_out == 0) return TESSERA_STATUS_OK;

  const tessera_f16_packed_kernels* kernels = kernels_for(stream.context->isa);
  const int64_t activation_stride = (n_in + 15) / 16 * 16;  // floats: rows start on 64-byte lines
  auto* activation = reinterpret_cast<float*>(
      stream.scratch_bytes(static_cast<size_t>(activation_stride * m) * 4));  // [m, n_in]
  parallel_for(stream, m, n_in * 4, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      kernels->round(reinterpret_cast<const float*>(row_pointer(x, row)),
                     activation + row * activation_stride, n_in);
    }
  });

  const int64_t output_tiles = (n_out + kTileOutputs - 1) / kTileOutputs;
  const int64_t activation_tiles = (m + kTileActivations - 1) / kTileActivations;
  const auto* packed = static_cast<const uint16_t*>(weight.data);
  auto* out_base = static_cast<float*>(out.data);
  const int64_t per_tile = kTileOutputs * n_in * (m < kTileActivations ? m : kTileActivations);
  parallel_for(stream, output_tiles * activation_tiles, per_tile, [&](int64_t begin, int64_t end) {
    for (int64_t index = begin; index < end; ++index) {
      const int64_t o0 = (index % output_tiles) * kTileOutputs;
      const int64_t a0 = (index / output_tiles) * kTileActivations;
      const int n_outputs = static_cast<int>(n_out - o0 < kTileOutputs ? n_out - o0 : kTileOutputs);
      const int n_activations = static_cast<int>(m - a0 < kTileActivations ? m - a0 : kTileActivations);
      kernels->tile(n_in, packed + o0 * n_in, n_outputs, activation + a0 * activation_stride,
                    activation_stride, n_activations, out_base + a0 * (out_stride / 4) + o0, out_stride / 4);
    }
  });
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

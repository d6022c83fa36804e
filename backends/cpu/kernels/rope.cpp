// ROPE: rotates x [m, n_head, head_dim] by angle theta_i = pos * freq_scale * base^(-2i/n_rot) / factor_i
// for pair i < n_rot/2; NORMAL pairs adjacent elements (2i, 2i+1), NEOX pairs (i, i + n_rot/2).
#include <cmath>
#include <vector>

#include "cpu_backend.h"
#include "kernels/kernels.h"
#include "kernels/rope_kernels.h"

namespace tessera::cpu {

namespace {

// One product of each pair is exact inside a fused multiply-add, as compilers contract these expressions
// in other GGUF runtimes.
void rotate_scalar(float* o, const float* in, const float* cosines, const float* sines, int64_t half,
                   bool neox) {
  for (int64_t i = 0; i < half; ++i) {
    const int64_t first = neox ? i : 2 * i;
    const int64_t second = neox ? i + half : 2 * i + 1;
    const float a = in[first], b = in[second];
    o[first] = std::fma(a, cosines[i], -(b * sines[i]));
    o[second] = std::fma(a, sines[i], b * cosines[i]);
  }
}

}  // namespace

tessera_status kernel_rope(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "rope", 2, 2)) return status;
  const tessera_tensor& x = call->inputs[0];          // [m, n_head, head_dim]
  const tessera_tensor& positions = call->inputs[1];  // [m]
  const tessera_tensor& out = call->output;           // [m, n_head, head_dim]
  if (auto status = check_tensor("rope", "x", x, TESSERA_DTYPE_F32)) return status;
  if (auto status = check_tensor("rope", "positions", positions, TESSERA_DTYPE_I32)) return status;
  if (auto status = check_tensor("rope", "output", out, TESSERA_DTYPE_F32)) return status;
  if (x.n_dims != 3 || !same_shape(x, out))
    return invalid("rope: x and output must be [m, n_head, head_dim]");
  const int64_t m = x.shape[0], n_head = x.shape[1], head_dim = x.shape[2];
  if (positions.n_dims != 1 || positions.shape[0] != m) return invalid("rope: positions must be [{}]", m);
  const tessera_rope_params& rope = call->params.rope;
  if (rope.n_rot <= 0 || rope.n_rot % 2 != 0 || rope.n_rot > head_dim) {
    return invalid("rope: n_rot {} must be even and in 2..{}", rope.n_rot, head_dim);
  }
  if (rope.mode != TESSERA_ROPE_NORMAL && rope.mode != TESSERA_ROPE_NEOX)
    return invalid("rope: unknown mode {}", rope.mode);
  const int64_t half = rope.n_rot / 2;
  // Angles follow the common float recurrence theta_{i+1} = theta_i * base^(-2/n_rot), starting at
  // the position, so rotated values agree bit for bit with other GGUF runtimes.
  const float theta_scale = std::pow(rope.freq_base, -2.0f / static_cast<float>(rope.n_rot));
  const bool neox = rope.mode == TESSERA_ROPE_NEOX;
  const auto* position_data = static_cast<const int32_t*>(positions.data);
  const tessera_rope_rotate_fn vector = stream.context->isa >= Isa::kAvx2 ? avx2_rope_rotate() : nullptr;
  parallel_for(stream, m, n_head * head_dim * 4 + half * 40, [&](int64_t begin, int64_t end) {
    std::vector<float> cosines(static_cast<size_t>(half)), sines(static_cast<size_t>(half));
    for (int64_t t = begin; t < end; ++t) {
      float theta = static_cast<float>(position_data[t]);
      for (int64_t i = 0; i < half; ++i) {
        const float factor = rope.freq_factors != nullptr ? rope.freq_factors[i] : 1.0f;
        const float angle = rope.freq_scale * (theta / factor);
        cosines[static_cast<size_t>(i)] = std::cos(angle);
        sines[static_cast<size_t>(i)] = std::sin(angle);
        theta *= theta_scale;
      }
      for (int64_t h = 0; h < n_head; ++h) {
        const auto* in = reinterpret_cast<const float*>(static_cast<const char*>(x.data) + t * x.stride[0] +
                                                        h * x.stride[1]);
        auto* o =
            reinterpret_cast<float*>(static_cast<char*>(out.data) + t * out.stride[0] + h * out.stride[1]);
        if (vector != nullptr) {
          vector(o, in, cosines.data(), sines.data(), half, neox ? 1 : 0);
        } else {
          rotate_scalar(o, in, cosines.data(), sines.data(), half, neox);
        }
        if (o != in) {
          for (int64_t i = rope.n_rot; i < head_dim; ++i) o[i] = in[i];
        }
      }
    }
  });
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

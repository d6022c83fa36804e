// RMS_NORM: out = x / sqrt(mean(x^2) + epsilon) * weight; x [.., n], weight [n] optional.
#include <algorithm>
#include <cmath>

#include "cpu_backend.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

tessera_status kernel_rms_norm(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "rms_norm", 1, 2)) return status;
  const tessera_tensor& x = call->inputs[0];  // [rows, n]
  if (auto status = check_tensor("rms_norm", "x", x, TESSERA_DTYPE_F32)) return status;
  if (auto status = check_tensor("rms_norm", "output", call->output, TESSERA_DTYPE_F32)) return status;
  if (!same_shape(x, call->output)) return invalid("rms_norm: output shape differs from x");
  const int64_t n = row_length(x);
  const float* weight = nullptr;  // [n]
  if (call->n_inputs == 2) {
    if (auto status = check_tensor("rms_norm", "weight", call->inputs[1], TESSERA_DTYPE_F32)) return status;
    if (row_count(call->inputs[1]) != 1 || row_length(call->inputs[1]) != n)
      return invalid("rms_norm: weight must be [{}]", n);
    weight = static_cast<const float*>(call->inputs[1].data);
  }
  const float epsilon = call->params.epsilon;
  const int64_t rows = row_count(x);
  // out row = in row * inverse * weight, inverse = 1 / sqrt(mean + epsilon) from the sum of squares.
  auto write_row = [&](int64_t r, const float* in, double sum) {
    auto* out = reinterpret_cast<float*>(row_pointer(call->output, r));
    const float mean = static_cast<float>(sum / static_cast<double>(n));
    const float inverse = 1.0f / std::sqrt(mean + epsilon);
    if (weight != nullptr) {
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] * inverse * weight[i];
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] * inverse;
    }
  };
  if (!stream.context->plain_order) {
    // The block order: squares rounded to F32, summed in double in 8 lanes (element i to lane i % 8,
    // combined as ((0 + 4) + (2 + 6)) + ((1 + 5) + (3 + 7))): 8 short chains of additions instead of one
    // long one (a decode step's norm in 0.7 against 1.8 us). The lanes are plain C++, so every CPU gets
    // the same bits.
    constexpr int64_t kLanes = 8;
    parallel_for(stream, rows, n * 2, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const auto* in = reinterpret_cast<const float*>(row_pointer(x, r));
        double lanes[kLanes] = {};
        int64_t i = 0;
        for (; i + kLanes <= n; i += kLanes) {
          for (int64_t l = 0; l < kLanes; ++l) lanes[l] += static_cast<double>(in[i + l] * in[i + l]);
        }
        for (int64_t l = 0; i + l < n; ++l) lanes[l] += static_cast<double>(in[i + l] * in[i + l]);
        write_row(r, in,
                  ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) +
                      ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7])));
      }
    });
    return TESSERA_STATUS_OK;
  }
  // The plain order: squares rounded to F32, summed in double one after the other (as GGUF runtimes do).
  // That sum is a chain of dependent additions, so four rows go together to overlap their chains.
  constexpr int64_t kRowsTogether = 4;
  parallel_for(stream, (rows + kRowsTogether - 1) / kRowsTogether, n * 2 * kRowsTogether,
               [&](int64_t begin, int64_t end) {
                 for (int64_t group = begin; group < end; ++group) {
                   const int64_t first = group * kRowsTogether;
                   const int64_t count = std::min(kRowsTogether, rows - first);
                   const float* in[kRowsTogether];
                   double sums[kRowsTogether] = {};
                   for (int64_t r = 0; r < kRowsTogether; ++r)
                     in[r] = reinterpret_cast<const float*>(row_pointer(x, first + std::min(r, count - 1)));
                   for (int64_t i = 0; i < n; ++i) {
                     for (int64_t r = 0; r < kRowsTogether; ++r)
                       sums[r] += static_cast<double>(in[r][i] * in[r][i]);
                   }
                   for (int64_t r = 0; r < count; ++r) write_row(first + r, in[r], sums[r]);
                 }
               });
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

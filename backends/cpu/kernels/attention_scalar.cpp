// Portable attention inner loops (kernels/attention_kernels.h): the reference for every ISA file.
#include <cmath>

#include "kernels/attention_kernels.h"
#include "kernels/fast_exp.h"
#include "tessera/block_formats.h"

namespace tessera::cpu {

namespace {

// Sums 16 lanes pairwise: (l, l + 8), (l, l + 4), (l, l + 2), (0, 1).
float sum_sixteen_lanes(float* lanes) {
  for (int width = 8; width >= 1; width /= 2) {
    for (int l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  }
  return lanes[0];
}

float dot_f32(const float* q, const char* row, int64_t n) {
  const auto* key = reinterpret_cast<const float*>(row);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += q[i] * key[i];
  return sum;
}

float dot_f16_sixteen_lanes(const float* q, const char* row, int64_t n) {
  const auto* key = reinterpret_cast<const uint16_t*>(row);
  float lanes[16] = {};
  for (int64_t i = 0; i < n; ++i) lanes[i % 16] += q[i] * tessera_f16_to_f32(key[i]);
  return sum_sixteen_lanes(lanes);
}

float dot_f16_four_accumulators(const float* q, const char* row, int64_t n) {
  const auto* key = reinterpret_cast<const uint16_t*>(row);
  const int64_t blocked = n / 64 * 64;
  float lanes[64] = {};
  for (int64_t i = 0; i < blocked; ++i) lanes[i % 64] += q[i] * tessera_f16_to_f32(key[i]);
  for (int l = 0; l < 32; ++l) lanes[l] += lanes[l + 32];
  for (int l = 0; l < 16; ++l) lanes[l] += lanes[l + 16];
  double sum = sum_sixteen_lanes(lanes);
  for (int64_t i = blocked; i < n; ++i) sum += static_cast<double>(q[i] * tessera_f16_to_f32(key[i]));
  return static_cast<float>(sum);
}

template <float (*dot)(const float*, const char*, int64_t)>
float scores(const float* query, const char* base, const int64_t* offsets, int64_t n_rows, int64_t head_dim,
             float scale, float* out) {
  float max = -INFINITY;
  for (int64_t j = 0; j < n_rows; ++j) {
    out[j] = dot(query, base + offsets[j], head_dim) * scale;
    max = std::fmax(max, out[j]);
  }
  return max;
}

float load_f32(const char* row, int64_t i) {
  return reinterpret_cast<const float*>(row)[i];
}
float load_f16(const char* row, int64_t i) {
  return tessera_f16_to_f32(reinterpret_cast<const uint16_t*>(row)[i]);
}

template <float (*load)(const char*, int64_t)>
void accumulate(float* accumulators, int64_t stride, int64_t lane_rows, const float* weights,
                const char* base, const int64_t* offsets, int64_t n_rows, int64_t head_dim) {
  for (int64_t r = 0; r < lane_rows && r < n_rows; ++r) {
    float* accumulator = accumulators + r * stride;
    for (int64_t i = 0; i < head_dim; ++i) accumulator[i] = 0.0f;
    for (int64_t j = r; j < n_rows; j += lane_rows) {
      const char* row = base + offsets[j];
      for (int64_t i = 0; i < head_dim; ++i) accumulator[i] += weights[j] * load(row, i);
    }
  }
}

double exp_sum(float* x, int64_t n, float max) {
  double sum = 0.0;
  for (int64_t start = 0; start < n; start += 16) {
    float lanes[16];
    for (int64_t l = 0; l < 16; ++l) {
      lanes[l] = start + l < n ? (x[start + l] = tessera_fast_exp(x[start + l] - max)) : 0.0f;
    }
    sum += sum_sixteen_lanes(lanes);
  }
  return sum;
}

void round_to_f16(float* target, const float* source, int64_t n, float factor) {
  for (int64_t i = 0; i < n; ++i) target[i] = tessera_f16_to_f32(tessera_f32_to_f16(source[i] * factor));
}

float max_value(const float* x, int64_t n) {
  float max = -INFINITY;
  for (int64_t i = 0; i < n; ++i) max = std::fmax(max, x[i]);
  return max;
}

const tessera_attention_kernels kScalarAttention = {scores<dot_f32>,
                                                    scores<dot_f16_sixteen_lanes>,
                                                    scores<dot_f16_four_accumulators>,
                                                    accumulate<load_f32>,
                                                    accumulate<load_f16>,
                                                    exp_sum,
                                                    round_to_f16,
                                                    max_value,
                                                    nullptr,
                                                    nullptr};

}  // namespace

const tessera_attention_kernels* scalar_attention_kernels() {
  return &kScalarAttention;
}

}  // namespace tessera::cpu

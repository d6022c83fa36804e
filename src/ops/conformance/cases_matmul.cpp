// Cases of matmul: every weight dtype, decode (m = 1) and prefill shapes, odd sizes. Each output
// element gets an error bound derived from the activation conversion the weight dtype implies.
#include <cmath>

#include <fmt/format.h>

#include "ops/common.h"
#include "ops/conformance/conformance.h"

namespace tessera::conformance {

namespace {

constexpr std::int32_t F32 = TESSERA_DTYPE_F32;

// Worst-case error of each element of one activation row after its conversion, and for Q4_1 / Q5_1
// (Q8_1 activations) the error of each block's sum term s = d * sum(q) (stored as f16).
void activation_errors(std::int32_t weight_dtype, const float* x, std::int64_t n, std::vector<double>& element,
                       std::vector<double>& block_sum) {
  element.assign(static_cast<std::size_t>(n), 0.0);
  block_sum.clear();
  const double half_ulp_f16 = std::ldexp(1.0, -11), half_ulp_bf16 = std::ldexp(1.0, -8);
  std::int64_t block = 0;
  double step_fraction = 0.0;  // error as a fraction of the block's absolute maximum
  switch (weight_dtype) {
    case TESSERA_DTYPE_F16:
      for (std::int64_t i = 0; i < n; ++i) element[static_cast<std::size_t>(i)] = std::fabs(x[i]) * half_ulp_f16 + 1e-7;
      return;
    case TESSERA_DTYPE_BF16:
      for (std::int64_t i = 0; i < n; ++i) element[static_cast<std::size_t>(i)] = std::fabs(x[i]) * half_ulp_bf16;
      return;
    case TESSERA_DTYPE_Q8_0: case TESSERA_DTYPE_Q4_0: case TESSERA_DTYPE_Q4_1: case TESSERA_DTYPE_Q5_0:
    case TESSERA_DTYPE_Q5_1:
      block = 32;
      step_fraction = 0.5 / 127.0 + half_ulp_f16;  // rounding to a step, plus the f16 rounding of the scale
      break;
    case TESSERA_DTYPE_Q4_K: case TESSERA_DTYPE_Q5_K: case TESSERA_DTYPE_Q6_K:
      block = 256;
      step_fraction = 0.5 / 127.0 + 1e-6;  // the Q8_K scale is f32
      break;
    default: return;
  }
  for (std::int64_t start = 0; start < n; start += block) {
    double amax = 0.0, sum = 0.0;
    for (std::int64_t i = start; i < start + block; ++i) {
      amax = std::fmax(amax, std::fabs(x[i]));
      sum += x[i];
    }
    for (std::int64_t i = start; i < start + block; ++i) element[static_cast<std::size_t>(i)] = amax * step_fraction * 1.01;
    block_sum.push_back((std::fabs(sum) + block * amax * step_fraction) * half_ulp_f16 * 1.5);
  }
}

Case matmul_case(std::int32_t dtype, std::int64_t m, std::int64_t n_in, std::int64_t n_out, Random& random) {
  Case result;
  result.op = TESSERA_OP_MATMUL;
  result.name = fmt::format("matmul {} m={} n_in={} n_out={}", ops::dtype_string(dtype), m, n_in, n_out);
  std::vector<float> weight_values;  // [n_out, n_in] dequantized
  result.inputs.push_back(make_weight(dtype, n_out, n_in, random, weight_values));
  HostTensor x(F32, {m, n_in});
  fill_uniform(x, random, -1.0f, 1.0f);
  // Rows of very different magnitude, as between layers of a real model.
  for (std::int64_t row = 0; row < m; ++row) {
    const float gain = row % 4 == 3 ? 30.0f : (row % 4 == 2 ? 0.01f : 1.0f);
    for (std::int64_t i = 0; i < n_in; ++i) x.f32_row(row)[i] *= gain;
  }
  result.element_bound.resize(static_cast<std::size_t>(m * n_out));
  std::vector<double> element, block_sum;
  for (std::int64_t row = 0; row < m; ++row) {
    const float* in = x.f32_row(row);
    activation_errors(dtype, in, n_in, element, block_sum);
    for (std::int64_t o = 0; o < n_out; ++o) {
      const float* w = weight_values.data() + o * n_in;
      double conversion = 0.0, magnitude = 0.0;
      for (std::int64_t i = 0; i < n_in; ++i) {
        conversion += std::fabs(w[i]) * element[static_cast<std::size_t>(i)];
        magnitude += std::fabs(static_cast<double>(w[i]) * in[i]);
      }
      if (dtype == TESSERA_DTYPE_Q4_1 || dtype == TESSERA_DTYPE_Q5_1) {
        // The block min m enters as m * s; |m| is at most the block's largest |w|.
        for (std::size_t b = 0; b < block_sum.size(); ++b) {
          double largest = 0.0;
          for (std::int64_t i = 0; i < 32; ++i) largest = std::fmax(largest, std::fabs(w[b * 32 + static_cast<std::size_t>(i)]));
          conversion += largest * block_sum[b];
        }
      }
      result.element_bound[static_cast<std::size_t>(row * n_out + o)] = conversion + 3e-5 * magnitude + 1e-6;
    }
  }
  result.inputs.push_back(std::move(x));
  result.output = HostTensor(F32, {m, n_out});
  result.tolerance = {0.0, 0.0};
  return result;
}

struct MatmulShape {
  std::int64_t m, n_in, n_out;
};

}  // namespace

void add_matmul_cases(std::vector<Case>& cases) {
  Random random(0x3A73A7);
  const MatmulShape plain[] = {{1, 67, 7}, {3, 64, 16}, {17, 130, 33}, {67, 512, 40}, {1, 1536, 64}, {4, 9, 5}};
  const MatmulShape legacy[] = {{1, 96, 7}, {3, 64, 16}, {17, 160, 33}, {67, 512, 40}, {1, 1536, 64}, {5, 1536, 9}};
  const MatmulShape k_quant[] = {{1, 256, 7}, {3, 512, 16}, {17, 768, 33}, {67, 512, 40}, {1, 1536, 64}, {5, 1536, 9}};
  for (std::int32_t dtype : {TESSERA_DTYPE_F32, TESSERA_DTYPE_F16, TESSERA_DTYPE_BF16}) {
    for (const auto& shape : plain) cases.push_back(matmul_case(dtype, shape.m, shape.n_in, shape.n_out, random));
  }
  for (std::int32_t dtype :
       {TESSERA_DTYPE_Q8_0, TESSERA_DTYPE_Q4_0, TESSERA_DTYPE_Q4_1, TESSERA_DTYPE_Q5_0, TESSERA_DTYPE_Q5_1}) {
    for (const auto& shape : legacy) cases.push_back(matmul_case(dtype, shape.m, shape.n_in, shape.n_out, random));
  }
  for (std::int32_t dtype : {TESSERA_DTYPE_Q4_K, TESSERA_DTYPE_Q5_K, TESSERA_DTYPE_Q6_K}) {
    for (const auto& shape : k_quant) cases.push_back(matmul_case(dtype, shape.m, shape.n_in, shape.n_out, random));
  }
}

}  // namespace tessera::conformance

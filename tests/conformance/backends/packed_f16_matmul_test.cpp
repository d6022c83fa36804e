// The CPU backend's packed F16 matmul weights (rows16 layout) against the plain layout and a double
// reference with f16-rounded activations, at every instruction-set level. The scalar level adds up in
// the plain kernel's order (bit-identical); the SIMD levels in their own order, within float rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cpu_at_level.h"
#include "ops/conformance/host_tensor.h"
#include "tensor/quantize.h"
#include "tessera/block_formats.h"

namespace tessera {
namespace {

using conformance::matrix_view;

struct Shape {
  std::int64_t m, n_in, n_out;
};

class PackedF16Matmul : public ::testing::TestWithParam<std::string> {};

TEST_P(PackedF16Matmul, MatchesThePlainLayoutAndTheReference) {
  runtime::Device device(load_cpu_at_level(GetParam(), "2"), 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  // Decode and prefill batches; odd n_in and n_out (partial groups and tiles); n_in past one k pass; m
  // past one 64-row tile and not a multiple of the micro-kernels' rows.
  const Shape shapes[] = {{1, 576, 48},  {1, 67, 7},    {2, 130, 33},  {3, 1536, 40}, {7, 9, 5},
                          {15, 256, 80}, {16, 768, 33}, {67, 520, 70}, {130, 96, 16}, {131, 300, 129}};
  for (const Shape& shape : shapes) {
    for (std::int64_t padding : {0, 5}) {  // output rows n_out or n_out + 5 floats apart
      SCOPED_TRACE(testing::Message() << "m=" << shape.m << " n_in=" << shape.n_in << " n_out=" << shape.n_out
                                      << " padding=" << padding);
      conformance::Random random(7 + shape.m * 1000 + shape.n_out);
      const std::vector<float> weight_values =
          conformance::uniform_values(shape.n_out * shape.n_in, random, -0.05f, 0.05f);
      auto weight_bytes = quantize(DType::kF16, weight_values).value_or_throw();
      auto weight =
          dequantize(DType::kF16, weight_bytes, shape.n_out * shape.n_in).value_or_throw();  // [n_out, n_in]
      std::vector<float> x =
          conformance::uniform_values(shape.m * shape.n_in, random, -3.0f, 3.0f);  // [m, n_in]
      const std::int64_t out_row = shape.n_out + padding;
      std::vector<float> plain(static_cast<std::size_t>(shape.m * out_row), -7.0f);  // [m, n_out + padding]
      std::vector<float> packed(plain.size(), -7.0f);
      tessera_op_call call{};
      call.op = TESSERA_OP_MATMUL;
      call.n_inputs = 2;
      call.inputs[0] = matrix_view(weight_bytes.data(), TESSERA_DTYPE_F16, shape.n_out, shape.n_in);
      call.inputs[1] = matrix_view(x.data(), TESSERA_DTYPE_F32, shape.m, shape.n_in);
      call.output = matrix_view(plain.data(), TESSERA_DTYPE_F32, shape.m, shape.n_out, out_row * 4);
      ASSERT_NO_FATAL_FAILURE(run_plain_and_packed(device, *stream, call, plain.data(), packed.data()));

      std::vector<float> rounded(x.size());  // the activations as the F16 kernels see them
      for (std::size_t i = 0; i < x.size(); ++i) rounded[i] = tessera_f16_to_f32(tessera_f32_to_f16(x[i]));
      for (std::int64_t a = 0; a < shape.m; ++a) {
        for (std::int64_t o = 0; o < out_row; ++o) {
          const std::size_t at = static_cast<std::size_t>(a * out_row + o);
          if (o >= shape.n_out) {
            ASSERT_EQ(packed[at], -7.0f) << "padding past the row is left alone";
            continue;
          }
          double want = 0.0, magnitude = 0.0;
          for (std::int64_t k = 0; k < shape.n_in; ++k) {
            const double term = static_cast<double>(weight[static_cast<std::size_t>(o * shape.n_in + k)]) *
                                rounded[static_cast<std::size_t>(a * shape.n_in + k)];
            want += term;
            magnitude += std::fabs(term);
          }
          if (GetParam() == "scalar") {
            ASSERT_EQ(packed[at], plain[at]) << "row " << a << " output " << o;
          }
          ASSERT_NEAR(packed[at], want, 1e-5 * magnitude + 1e-6) << "row " << a << " output " << o;
          ASSERT_NEAR(packed[at], plain[at], 2e-5 * magnitude + 1e-6) << "row " << a << " output " << o;
        }
      }
    }
  }
}

// A level above what the machine has is capped to the detected level, so every level runs everywhere.
INSTANTIATE_TEST_SUITE_P(IsaLevels, PackedF16Matmul, ::testing::Values("scalar", "avx2", "avx512"));

}  // namespace
}  // namespace tessera

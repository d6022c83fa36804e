// SiLU and SwiGLU give the same bits at every instruction-set level (the exp steps are correctly
// rounded), including inputs whose exp needs the slow scaling path or overflows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu_at_level.h"

namespace tessera {
namespace {

tessera_tensor row_tensor(float* data, std::int64_t n) {
  tessera_tensor tensor{};
  tensor.data = data;
  tensor.dtype = TESSERA_DTYPE_F32;
  tensor.n_dims = 2;
  tensor.shape[0] = 1;
  tensor.shape[1] = n;
  tensor.stride[0] = n * 4;
  tensor.stride[1] = 4;
  return tensor;
}

std::vector<float> run_at(const std::string& isa, std::int32_t op, std::vector<float> gate,
                          std::vector<float> up) {
  const auto n = static_cast<std::int64_t>(gate.size());
  std::vector<float> out(gate.size());
  tessera_op_call call{};
  call.op = op;
  call.n_inputs = op == TESSERA_OP_SWIGLU ? 2 : 1;
  call.inputs[0] = row_tensor(gate.data(), n);
  call.inputs[1] = row_tensor(up.data(), n);
  call.output = row_tensor(out.data(), n);
  run_cpu_at_level(isa, call);
  return out;
}

TEST(ActivationBits, EveryLevelGivesTheScalarBits) {
  std::vector<float> gate, up;
  for (int i = -40000; i < 40000; ++i) gate.push_back(static_cast<float>(i) * 0.0031f);  // -124 .. 124
  for (float special :
       {-200.0f, -100.0f, -88.5f, -87.0f, 0.0f, -0.0f, 1e-30f, 87.0f, 90.0f, 200.0f, INFINITY, -INFINITY}) {
    gate.push_back(special);
  }
  while (gate.size() % 8 != 3) gate.push_back(0.5f);  // and a tail shorter than a register
  for (std::size_t i = 0; i < gate.size(); ++i) up.push_back(1.0f + 0.001f * static_cast<float>(i % 97));
  for (std::int32_t op : {TESSERA_OP_SILU, TESSERA_OP_SWIGLU}) {
    const auto scalar = run_at("scalar", op, gate, up);
    for (const char* isa : {"avx2", "avx512"}) {
      const auto vector = run_at(isa, op, gate, up);
      for (std::size_t i = 0; i < gate.size(); ++i) {
        ASSERT_EQ(std::memcmp(&scalar[i], &vector[i], 4), 0)
            << "op " << op << " at " << isa << ": x = " << gate[i] << " gives " << vector[i] << ", scalar "
            << scalar[i];
      }
    }
  }
}

}  // namespace
}  // namespace tessera

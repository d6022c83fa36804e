// Each reference op against NumPy float64 results on fixed cases (tests/golden/ops/op_fixtures.json).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ops/conformance/host_tensor.h"
#include "ops/ops.h"
#include "runtime/backend.h"
#include "tensor/dtype.h"
#include "tessera/block_formats.h"

namespace tessera {
namespace {

using conformance::HostTensor;

std::int32_t op_from_name(const std::string& name) {
  for (std::int32_t op = 1; op < TESSERA_OP_COUNT; ++op) {
    if (name == runtime::op_name(op)) return op;
  }
  return 0;
}

HostTensor tensor_from_json(const nlohmann::json& description) {
  const auto dtype = dtype_from_name(description["dtype"].get<std::string>());
  EXPECT_TRUE(dtype.has_value());
  HostTensor tensor(static_cast<std::int32_t>(*dtype), description["shape"].get<std::vector<std::int64_t>>());
  auto& bytes = tensor.bytes();
  if (description.contains("hex")) {
    const std::string hex = description["hex"];
    EXPECT_EQ(hex.size(), bytes.size() * 2);
    for (std::size_t i = 0; i < bytes.size() && 2 * i + 1 < hex.size(); ++i) {
      bytes[i] = static_cast<std::byte>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    }
  } else if (*dtype == DType::kI32) {
    auto values = description["data"].get<std::vector<std::int32_t>>();
    EXPECT_EQ(values.size() * 4, bytes.size());
    std::memcpy(bytes.data(), values.data(), std::min(bytes.size(), values.size() * 4));
  } else {
    auto values = description["data"].get<std::vector<double>>();
    EXPECT_EQ(values.size() * 4, bytes.size());
    for (std::size_t i = 0; i < values.size() && 4 * i < bytes.size(); ++i) {
      const float value = static_cast<float>(values[i]);
      std::memcpy(bytes.data() + 4 * i, &value, 4);
    }
  }
  return tensor;
}

nlohmann::json load_fixtures() {
  std::ifstream file(std::string(TESSERA_SOURCE_DIR) + "/tests/golden/ops/op_fixtures.json");
  EXPECT_TRUE(file.good());
  return nlohmann::json::parse(file);
}

TEST(OpReferences, MatchNumPy) {
  const nlohmann::json fixtures = load_fixtures();
  ASSERT_GE(fixtures["cases"].size(), 20u);
  for (const auto& entry : fixtures["cases"]) {
    SCOPED_TRACE(entry["name"].get<std::string>());
    std::vector<HostTensor> inputs;
    for (const auto& input : entry["inputs"]) inputs.push_back(tensor_from_json(input));
    const auto& expected_json = entry["output"];
    HostTensor output = entry.contains("initial_output")
                            ? tensor_from_json(entry["initial_output"])
                            : HostTensor(TESSERA_DTYPE_F32, expected_json["shape"].get<std::vector<std::int64_t>>());
    tessera_op_call call{};
    call.op = op_from_name(entry["op"]);
    ASSERT_NE(call.op, 0);
    call.n_inputs = static_cast<std::int32_t>(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) call.inputs[i] = inputs[i].view();
    call.output = output.view();
    const auto& params = entry["params"];
    std::vector<float> freq_factors;
    if (call.op == TESSERA_OP_ROPE) {
      call.params.rope.mode = params["mode"] == "neox" ? TESSERA_ROPE_NEOX : TESSERA_ROPE_NORMAL;
      call.params.rope.n_rot = params["n_rot"];
      call.params.rope.freq_base = params["freq_base"];
      call.params.rope.freq_scale = params["freq_scale"];
      if (params.contains("freq_factors")) {
        freq_factors = params["freq_factors"].get<std::vector<float>>();
        call.params.rope.freq_factors = freq_factors.data();
      }
    } else if (call.op == TESSERA_OP_ATTENTION) {
      call.params.attention.scale = params["scale"];
    } else if (params.contains("scale")) {
      call.params.scale = params["scale"];
    } else if (params.contains("epsilon")) {
      call.params.epsilon = params["epsilon"];
    }
    auto status = ops::run_reference(call);
    ASSERT_TRUE(status.ok()) << status.error().to_string();
    const auto expected = expected_json["data"].get<std::vector<double>>();
    ASSERT_EQ(static_cast<std::int64_t>(expected.size()), output.rows() * output.row_length());
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(expected.size()); ++i) {
      const std::int64_t row = i / output.row_length(), column = i % output.row_length();
      double got = 0.0;
      if (output.layout().dtype == TESSERA_DTYPE_F16) {
        got = tessera_f16_to_f32(reinterpret_cast<const std::uint16_t*>(output.row(row))[column]);
      } else {
        got = output.f32_row(row)[column];
      }
      const double want = expected[static_cast<std::size_t>(i)];
      // float32 output of a float64 computation: half an ulp, plus slack for float32 intermediates.
      EXPECT_NEAR(got, want, 2e-6 * std::fabs(want) + 1e-6) << "element " << i;
    }
  }
}

}  // namespace
}  // namespace tessera

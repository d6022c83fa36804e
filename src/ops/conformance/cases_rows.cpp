// Cases of get_rows, set_rows, rms_norm, softmax and rope.
#include <fmt/format.h>

#include "ops/common.h"
#include "ops/conformance/conformance.h"

namespace tessera::conformance {

namespace {

constexpr std::int32_t F32 = TESSERA_DTYPE_F32;
constexpr std::int32_t F16 = TESSERA_DTYPE_F16;
constexpr std::int32_t I32 = TESSERA_DTYPE_I32;

constexpr std::int32_t kWeightDtypes[] = {TESSERA_DTYPE_F32,  TESSERA_DTYPE_F16,  TESSERA_DTYPE_BF16,
                                          TESSERA_DTYPE_Q8_0, TESSERA_DTYPE_Q4_0, TESSERA_DTYPE_Q4_1,
                                          TESSERA_DTYPE_Q5_0, TESSERA_DTYPE_Q5_1, TESSERA_DTYPE_Q4_K,
                                          TESSERA_DTYPE_Q5_K, TESSERA_DTYPE_Q6_K};

HostTensor ids_tensor(const std::vector<std::int32_t>& ids) {
  HostTensor tensor(I32, {static_cast<std::int64_t>(ids.size())});
  for (std::size_t i = 0; i < ids.size(); ++i) tensor.i32()[i] = ids[i];
  return tensor;
}

void add_get_rows(std::vector<Case>& cases, Random& random) {
  for (std::int32_t dtype : kWeightDtypes) {
    const std::int64_t block = dtype == TESSERA_DTYPE_Q4_K || dtype == TESSERA_DTYPE_Q5_K || dtype == TESSERA_DTYPE_Q6_K
                                   ? 256
                                   : (dtype == TESSERA_DTYPE_F32 || dtype == TESSERA_DTYPE_F16 || dtype == TESSERA_DTYPE_BF16 ? 1 : 32);
    const std::int64_t n = block == 1 ? 67 : block * 3;
    for (const auto& ids : {std::vector<std::int32_t>{6}, std::vector<std::int32_t>{0, 3, 3, 6, 1}}) {
      Case result;
      result.op = TESSERA_OP_GET_ROWS;
      result.name = fmt::format("get_rows {} table [7, {}] m={}", ops::dtype_string(dtype), n, ids.size());
      std::vector<float> values;
      result.inputs.push_back(make_weight(dtype, 7, n, random, values));
      result.inputs.push_back(ids_tensor(ids));
      result.output = HostTensor(F32, {static_cast<std::int64_t>(ids.size()), n});
      result.tolerance = {0.0, 1e-6};
      cases.push_back(std::move(result));
    }
  }
}

void add_set_rows(std::vector<Case>& cases, Random& random) {
  for (std::int32_t dtype : {F32, F16}) {
    for (auto [n, ids] : {std::pair{std::int64_t{40}, std::vector<std::int32_t>{4, 0, 8}},
                          std::pair{std::int64_t{1}, std::vector<std::int32_t>{2}},
                          std::pair{std::int64_t{128}, std::vector<std::int32_t>{1, 2, 3, 5, 7, 0}}}) {
      Case result;
      result.op = TESSERA_OP_SET_ROWS;
      result.name = fmt::format("set_rows {} table [9, {}] m={}", ops::dtype_string(dtype), n, ids.size());
      HostTensor rows(F32, {static_cast<std::int64_t>(ids.size()), n});
      fill_uniform(rows, random, -3.0f, 3.0f);
      result.inputs.push_back(std::move(rows));
      result.inputs.push_back(ids_tensor(ids));
      result.output = HostTensor(dtype, {9, n});
      if (dtype == F32) fill_uniform(result.output, random, -1.0f, 1.0f);
      else fill_uniform_f16(result.output, random, -1.0f, 1.0f);
      result.tolerance = {0.0, 0.0};
      cases.push_back(std::move(result));
    }
  }
}

void add_rms_norm(std::vector<Case>& cases, Random& random) {
  for (bool weighted : {false, true}) {
    for (const auto& shape : {std::vector<std::int64_t>{1, 64}, {7, 33}, {2, 3, 576}, {1, 1}}) {
      Case result;
      result.op = TESSERA_OP_RMS_NORM;
      result.name = fmt::format("rms_norm {}{}", weighted ? "weighted " : "", ops::shape_string(HostTensor(F32, shape).layout()));
      HostTensor x(F32, shape);
      fill_uniform(x, random, -2.0f, 2.0f);
      result.inputs.push_back(std::move(x));
      if (weighted) {
        HostTensor weight(F32, {shape.back()});
        fill_uniform(weight, random, 0.5f, 1.5f);
        result.inputs.push_back(std::move(weight));
      }
      result.output = HostTensor(F32, shape);
      result.params.epsilon = shape.back() == 33 ? 1e-6f : 1e-5f;
      result.tolerance = {1e-6, 1e-5};
      cases.push_back(std::move(result));
    }
  }
}

void add_softmax(std::vector<Case>& cases, Random& random) {
  for (auto [shape, scale, range] : {std::tuple{std::vector<std::int64_t>{1, 1}, 1.0f, 1.0f},
                                     std::tuple{std::vector<std::int64_t>{3, 37}, 1.0f, 4.0f},
                                     std::tuple{std::vector<std::int64_t>{5, 300}, 0.125f, 40.0f},
                                     std::tuple{std::vector<std::int64_t>{2, 2, 49152}, 1.0f, 20.0f}}) {
    Case result;
    result.op = TESSERA_OP_SOFTMAX;
    result.name = fmt::format("softmax {} scale={}", ops::shape_string(HostTensor(F32, shape).layout()), scale);
    HostTensor x(F32, shape);
    fill_uniform(x, random, -range, range);
    result.inputs.push_back(std::move(x));
    result.output = HostTensor(F32, shape);
    result.params.scale = scale;
    result.tolerance = {1e-7, 1e-5};
    cases.push_back(std::move(result));
  }
}

struct RopeShape {
  std::int32_t mode;
  std::int64_t n_head;
  std::int64_t head_dim;
  std::int32_t n_rot;
  float freq_base;
  float freq_scale;
  bool factors;
};

void add_rope(std::vector<Case>& cases, Random& random) {
  const std::vector<std::int32_t> positions = {0, 1, 5, 17, 100, 1023, 4095};
  for (const RopeShape& shape : {RopeShape{TESSERA_ROPE_NORMAL, 3, 64, 64, 10000.0f, 1.0f, false},
                                 RopeShape{TESSERA_ROPE_NEOX, 3, 64, 64, 10000.0f, 1.0f, false},
                                 RopeShape{TESSERA_ROPE_NORMAL, 2, 80, 32, 10000.0f, 1.0f, false},
                                 RopeShape{TESSERA_ROPE_NEOX, 2, 80, 32, 1000000.0f, 1.0f, false},
                                 RopeShape{TESSERA_ROPE_NORMAL, 4, 128, 128, 500000.0f, 1.0f, true},
                                 RopeShape{TESSERA_ROPE_NEOX, 4, 128, 128, 500000.0f, 0.25f, true},
                                 RopeShape{TESSERA_ROPE_NEOX, 1, 6, 2, 10000.0f, 1.0f, false}}) {
    Case result;
    result.op = TESSERA_OP_ROPE;
    const auto m = static_cast<std::int64_t>(positions.size());
    result.name = fmt::format("rope {} [{}, {}, {}] n_rot={} base={} scale={}{}",
                              shape.mode == TESSERA_ROPE_NEOX ? "neox" : "normal", m, shape.n_head, shape.head_dim,
                              shape.n_rot, shape.freq_base, shape.freq_scale, shape.factors ? " freq_factors" : "");
    HostTensor x(F32, {m, shape.n_head, shape.head_dim});
    fill_uniform(x, random, -1.0f, 1.0f);
    result.inputs.push_back(std::move(x));
    HostTensor position_tensor(I32, {m});
    for (std::int64_t i = 0; i < m; ++i) position_tensor.i32()[i] = positions[static_cast<std::size_t>(i)];
    result.inputs.push_back(std::move(position_tensor));
    result.output = HostTensor(F32, {m, shape.n_head, shape.head_dim});
    result.params.rope.mode = shape.mode;
    result.params.rope.n_rot = shape.n_rot;
    result.params.rope.freq_base = shape.freq_base;
    result.params.rope.freq_scale = shape.freq_scale;
    if (shape.factors) {
      // Llama-3 style: high frequencies kept, low ones divided by up to 8.
      for (std::int32_t i = 0; i < shape.n_rot / 2; ++i) result.freq_factors.push_back(1.0f + 7.0f * static_cast<float>(i) / static_cast<float>(shape.n_rot / 2));
    }
    // Angles reach 4095 rad: float rounding of the angle alone is ~2e-4 rad there.
    result.tolerance = {5e-4, 1e-5};
    cases.push_back(std::move(result));
  }
}

}  // namespace

void add_row_cases(std::vector<Case>& cases) {
  Random random(0x0DDBA11);
  add_get_rows(cases, random);
  add_set_rows(cases, random);
  add_rms_norm(cases, random);
  add_softmax(cases, random);
  add_rope(cases, random);
}

}  // namespace tessera::conformance

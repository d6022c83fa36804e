// Cases of the row-wise F32 ops: add, mul, scale, silu, gelu, swiglu.
#include <fmt/format.h>

#include "ops/common.h"
#include "ops/conformance/conformance.h"

namespace tessera::conformance {

namespace {

constexpr std::int32_t F32 = TESSERA_DTYPE_F32;
constexpr Tolerance kElementwise{1e-6, 1e-5};

std::string shape_label(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

Case unary_case(const char* op_name, std::int32_t op, const std::vector<std::int64_t>& shape, float range,
                std::int64_t padding, Random& random) {
  Case result;
  result.name = fmt::format("{} {}{}", op_name, shape_label(shape), padding ? " strided" : "");
  result.op = op;
  HostTensor input(F32, shape, padding);
  fill_uniform(input, random, -range, range);
  result.inputs.push_back(std::move(input));
  result.output = HostTensor(F32, shape, padding);
  result.tolerance = kElementwise;
  return result;
}

// b has the rows of `b_shape`; broadcast cases give it fewer rows than a.
Case binary_case(const char* op_name, std::int32_t op, const std::vector<std::int64_t>& shape,
                 const std::vector<std::int64_t>& b_shape, std::int64_t padding, Random& random) {
  Case result = unary_case(op_name, op, shape, 4.0f, padding, random);
  result.name = fmt::format("{} {} with {}{}", op_name, shape_label(shape), shape_label(b_shape), padding ? " strided" : "");
  HostTensor b(F32, b_shape);
  fill_uniform(b, random, -4.0f, 4.0f);
  result.inputs.push_back(std::move(b));
  return result;
}

}  // namespace

void add_elementwise_cases(std::vector<Case>& cases) {
  Random random(0xE1E3E47);
  for (auto [name, op] : {std::pair{"add", TESSERA_OP_ADD}, std::pair{"mul", TESSERA_OP_MUL}}) {
    cases.push_back(binary_case(name, op, {1, 7}, {1, 7}, 0, random));
    cases.push_back(binary_case(name, op, {5, 33}, {5, 33}, 0, random));
    cases.push_back(binary_case(name, op, {5, 33}, {33}, 0, random));
    cases.push_back(binary_case(name, op, {3, 4, 129}, {4, 129}, 0, random));
    cases.push_back(binary_case(name, op, {6, 40}, {6, 40}, 24, random));
  }
  cases.push_back(binary_case("swiglu", TESSERA_OP_SWIGLU, {1, 1}, {1, 1}, 0, random));
  cases.push_back(binary_case("swiglu", TESSERA_OP_SWIGLU, {4, 45}, {4, 45}, 0, random));
  cases.push_back(binary_case("swiglu", TESSERA_OP_SWIGLU, {3, 1536}, {3, 1536}, 0, random));
  for (auto [name, op] : {std::pair{"scale", TESSERA_OP_SCALE}, std::pair{"silu", TESSERA_OP_SILU},
                          std::pair{"gelu", TESSERA_OP_GELU}}) {
    cases.push_back(unary_case(name, op, {1, 1}, 8.0f, 0, random));
    cases.push_back(unary_case(name, op, {3, 37}, 8.0f, 0, random));
    cases.push_back(unary_case(name, op, {2, 3, 129}, 12.0f, 0, random));
    cases.push_back(unary_case(name, op, {64, 576}, 6.0f, 0, random));
    cases.push_back(unary_case(name, op, {5, 20}, 3.0f, 8, random));
  }
  for (auto& entry : cases) {
    if (entry.op == TESSERA_OP_SCALE) entry.params.scale = 0.37f;
  }
}

}  // namespace tessera::conformance

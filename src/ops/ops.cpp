#include "ops/ops.h"

#include "ops/add/info.h"
#include "ops/attention/info.h"
#include "ops/gelu/info.h"
#include "ops/get_rows/info.h"
#include "ops/matmul/info.h"
#include "ops/mul/info.h"
#include "ops/rms_norm/info.h"
#include "ops/rope/info.h"
#include "ops/scale/info.h"
#include "ops/set_rows/info.h"
#include "ops/silu/info.h"
#include "ops/softmax/info.h"
#include "ops/swiglu/info.h"

namespace tessera::ops {

namespace {

struct OpDefinition {
  Result<void> (*validate)(const tessera_op_call&);
  Result<void> (*reference)(const tessera_op_call&);
};

const OpDefinition* definition(std::int32_t op) {
  static const OpDefinition kDefinitions[TESSERA_OP_COUNT] = {
      {nullptr, nullptr},
      {validate_get_rows, reference_get_rows},
      {validate_set_rows, reference_set_rows},
      {validate_matmul, reference_matmul},
      {validate_add, reference_add},
      {validate_mul, reference_mul},
      {validate_scale, reference_scale},
      {validate_rms_norm, reference_rms_norm},
      {validate_rope, reference_rope},
      {validate_softmax, reference_softmax},
      {validate_silu, reference_silu},
      {validate_gelu, reference_gelu},
      {validate_swiglu, reference_swiglu},
      {validate_attention, reference_attention},
  };
  if (op <= 0 || op >= TESSERA_OP_COUNT) return nullptr;
  return &kDefinitions[op];
}

}  // namespace

Result<void> validate(const tessera_op_call& call) {
  const OpDefinition* op = definition(call.op);
  if (op == nullptr) return make_error(ErrorCode::kInvalidArgument, "unknown op {}", call.op);
  if (call.n_inputs < 0 || call.n_inputs > TESSERA_MAX_INPUTS) {
    return make_error(ErrorCode::kInvalidArgument, "op call has {} inputs, at most {} allowed", call.n_inputs, TESSERA_MAX_INPUTS);
  }
  return op->validate(call);
}

Result<void> run_reference(const tessera_op_call& call) {
  TESSERA_TRY(validate(call));
  return definition(call.op)->reference(call);
}

}  // namespace tessera::ops

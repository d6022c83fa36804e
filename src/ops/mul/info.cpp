#include "ops/mul/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_mul(const tessera_op_call& call) { return validate_rowwise(call, "mul", true, true); }

}  // namespace tessera::ops

#include "ops/swiglu/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_swiglu(const tessera_op_call& call) { return validate_rowwise(call, "swiglu", true, false); }

}  // namespace tessera::ops

#include "ops/scale/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_scale(const tessera_op_call& call) { return validate_rowwise(call, "scale", false, false); }

}  // namespace tessera::ops

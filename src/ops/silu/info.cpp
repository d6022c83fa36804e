#include "ops/silu/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_silu(const tessera_op_call& call) { return validate_rowwise(call, "silu", false, false); }

}  // namespace tessera::ops

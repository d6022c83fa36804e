#include "ops/gelu/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_gelu(const tessera_op_call& call) { return validate_rowwise(call, "gelu", false, false); }

}  // namespace tessera::ops

#include "ops/add/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_add(const tessera_op_call& call) { return validate_rowwise(call, "add", true, true); }

}  // namespace tessera::ops

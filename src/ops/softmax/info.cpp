#include "ops/softmax/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_softmax(const tessera_op_call& call) { return validate_rowwise(call, "softmax", false, false); }

}  // namespace tessera::ops

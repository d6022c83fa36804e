#include "ops/get_rows/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_get_rows(const tessera_op_call& call) {
  TESSERA_TRY(expect_inputs(call, "get_rows", 2, 2));
  const tessera_tensor& table = call.inputs[0];  // [n_rows, n]
  const tessera_tensor& ids = call.inputs[1];    // [m]
  if (!is_weight_dtype(table.dtype)) {
    return make_error(ErrorCode::kUnsupported, "get_rows: table dtype {} is not a weight dtype", dtype_string(table.dtype));
  }
  TESSERA_TRY(expect_tensor("get_rows", "table", table, table.dtype));
  TESSERA_TRY(expect_rank("get_rows", "table", table, 2));
  TESSERA_TRY(expect_tensor("get_rows", "ids", ids, TESSERA_DTYPE_I32));
  TESSERA_TRY(expect_rank("get_rows", "ids", ids, 1));
  TESSERA_TRY(expect_tensor("get_rows", "output", call.output, TESSERA_DTYPE_F32));
  if (row_count(call.output) != ids.shape[0] || row_length(call.output) != table.shape[1]) {
    return make_error(ErrorCode::kInvalidArgument, "get_rows: output {} must be [{}, {}]", shape_string(call.output),
                      ids.shape[0], table.shape[1]);
  }
  return {};
}

}  // namespace tessera::ops

#include "ops/set_rows/info.h"

#include "ops/common.h"

namespace tessera::ops {

Result<void> validate_set_rows(const tessera_op_call& call) {
  TESSERA_TRY(expect_inputs(call, "set_rows", 2, 2));
  const tessera_tensor& rows = call.inputs[0];  // [m, n]
  const tessera_tensor& ids = call.inputs[1];   // [m]
  const tessera_tensor& table = call.output;    // [n_rows, n]
  if (table.dtype != TESSERA_DTYPE_F32 && table.dtype != TESSERA_DTYPE_F16) {
    return make_error(ErrorCode::kUnsupported, "set_rows: table dtype {} is not F32 or F16", dtype_string(table.dtype));
  }
  TESSERA_TRY(expect_tensor("set_rows", "rows", rows, TESSERA_DTYPE_F32));
  TESSERA_TRY(expect_tensor("set_rows", "ids", ids, TESSERA_DTYPE_I32));
  TESSERA_TRY(expect_rank("set_rows", "ids", ids, 1));
  TESSERA_TRY(expect_tensor("set_rows", "table", table, table.dtype));
  TESSERA_TRY(expect_rank("set_rows", "table", table, 2));
  if (row_count(rows) != ids.shape[0] || row_length(rows) != table.shape[1]) {
    return make_error(ErrorCode::kInvalidArgument, "set_rows: rows {} must be [{}, {}]", shape_string(rows), ids.shape[0],
                      table.shape[1]);
  }
  return {};
}

}  // namespace tessera::ops

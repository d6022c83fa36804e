#include "ops/common.h"
#include "ops/get_rows/info.h"
#include "tensor/quantize.h"

namespace tessera::ops {

Result<void> reference_get_rows(const tessera_op_call& call) {
  const tessera_tensor& table = call.inputs[0];                              // [n_rows, n]
  const auto* ids = static_cast<const std::int32_t*>(call.inputs[1].data);  // [m]
  for (std::int64_t i = 0; i < call.inputs[1].shape[0]; ++i) {
    if (ids[i] < 0 || ids[i] >= table.shape[0]) {
      return make_error(ErrorCode::kOutOfRange, "get_rows: id {} at index {} is outside the table's {} rows", ids[i], i,
                        table.shape[0]);
    }
    TESSERA_TRY(dequantize_row(static_cast<DType>(table.dtype), row_pointer(table, ids[i]),
                               reinterpret_cast<float*>(row_pointer(call.output, i)), table.shape[1]));
  }
  return {};
}

}  // namespace tessera::ops

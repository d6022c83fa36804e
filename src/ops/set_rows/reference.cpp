#include <cstring>

#include "ops/common.h"
#include "ops/set_rows/info.h"
#include "tessera/block_formats.h"

namespace tessera::ops {

Result<void> reference_set_rows(const tessera_op_call& call) {
  const tessera_tensor& rows = call.inputs[0];                               // [m, n]
  const auto* ids = static_cast<const std::int32_t*>(call.inputs[1].data);  // [m]
  const tessera_tensor& table = call.output;                                 // [n_rows, n]
  const std::int64_t n = table.shape[1];
  for (std::int64_t i = 0; i < call.inputs[1].shape[0]; ++i) {
    if (ids[i] < 0 || ids[i] >= table.shape[0]) {
      return make_error(ErrorCode::kOutOfRange, "set_rows: id {} at index {} is outside the table's {} rows", ids[i], i,
                        table.shape[0]);
    }
    const float* source = reinterpret_cast<const float*>(row_pointer(rows, i));
    char* destination = row_pointer(table, ids[i]);
    for (std::int64_t j = 0; j < n; ++j) {
      if (table.dtype == TESSERA_DTYPE_F32) {
        std::memcpy(destination + 4 * j, &source[j], 4);
      } else {
        const std::uint16_t half = tessera_f32_to_f16(source[j]);
        std::memcpy(destination + 2 * j, &half, 2);
      }
    }
  }
  return {};
}

}  // namespace tessera::ops

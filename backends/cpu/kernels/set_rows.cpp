// SET_ROWS: table[ids[i]] = rows[i], converted to the table's dtype; rows F32 [m, n], ids I32 [m],
// output (written in place) table F32|F16 [n_rows, n]. Used to write K/V into the paged cache.
#include <cstring>

#include "cpu_backend.h"
#include "kernels/kernels.h"
#include "tessera/block_formats.h"

namespace tessera::cpu {

tessera_status kernel_set_rows(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "set_rows", 2, 2)) return status;
  const tessera_tensor& rows = call->inputs[0];  // [m, n]
  const tessera_tensor& ids = call->inputs[1];   // [m]
  const tessera_tensor& table = call->output;    // [n_rows, n]
  if (table.dtype != TESSERA_DTYPE_F32 && table.dtype != TESSERA_DTYPE_F16) {
    return set_error(TESSERA_STATUS_UNSUPPORTED, fmt::format("set_rows: table dtype {}", table.dtype));
  }
  if (auto status = check_tensor("set_rows", "rows", rows, TESSERA_DTYPE_F32)) return status;
  if (auto status = check_tensor("set_rows", "ids", ids, TESSERA_DTYPE_I32)) return status;
  if (auto status = check_tensor("set_rows", "table", table, table.dtype)) return status;
  if (table.n_dims != 2 || ids.n_dims != 1) return invalid("set_rows: table must be [n_rows, n] and ids [m]");
  const int64_t n_rows = table.shape[0], n = table.shape[1], m = ids.shape[0];
  if (row_count(rows) != m || row_length(rows) != n) return invalid("set_rows: rows must be [{}, {}]", m, n);
  const auto* id_data = static_cast<const int32_t*>(ids.data);
  for (int64_t i = 0; i < m; ++i) {
    if (id_data[i] < 0 || id_data[i] >= n_rows) return invalid("set_rows: id {} at {} outside 0..{}", id_data[i], i, n_rows - 1);
  }
  parallel_for(stream, m, n * 2, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const auto* source = reinterpret_cast<const float*>(row_pointer(rows, i));
      char* destination = static_cast<char*>(table.data) + id_data[i] * table.stride[0];
      if (table.dtype == TESSERA_DTYPE_F32) {
        std::memcpy(destination, source, static_cast<size_t>(n) * sizeof(float));
      } else {
        auto* half = reinterpret_cast<uint16_t*>(destination);
        for (int64_t j = 0; j < n; ++j) half[j] = tessera_f32_to_f16(source[j]);
      }
    }
  });
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

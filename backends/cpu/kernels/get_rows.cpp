// GET_ROWS: out[i] = dequantize(table[ids[i]]); table [n_rows, n] of any weight dtype, ids I32 [m], out F32 [m, n].
#include "cpu_backend.h"
#include "kernels/kernels.h"
#include "kernels/quant.h"

namespace tessera::cpu {

tessera_status kernel_get_rows(void* stream_handle, const tessera_op_call* call) {
  Stream& stream = *static_cast<Stream*>(stream_handle);
  if (auto status = check_inputs(*call, "get_rows", 2, 2)) return status;
  const tessera_tensor& table = call->inputs[0];  // [n_rows, n]
  const tessera_tensor& ids = call->inputs[1];    // [m]
  const tessera_tensor& out = call->output;       // [m, n]
  if (dot_index(table.dtype) < 0) return set_error(TESSERA_STATUS_UNSUPPORTED, fmt::format("get_rows: table dtype {}", table.dtype));
  if (auto status = check_tensor("get_rows", "table", table, table.dtype)) return status;
  if (auto status = check_tensor("get_rows", "ids", ids, TESSERA_DTYPE_I32)) return status;
  if (auto status = check_tensor("get_rows", "output", out, TESSERA_DTYPE_F32)) return status;
  if (table.n_dims != 2 || ids.n_dims != 1) return invalid("get_rows: table must be [n_rows, n] and ids [m]");
  const int64_t n_rows = table.shape[0], n = table.shape[1], m = ids.shape[0];
  if (n % block_elements(table.dtype) != 0) return invalid("get_rows: row length {} is not whole blocks", n);
  if (row_count(out) != m || row_length(out) != n) return invalid("get_rows: output must be [{}, {}]", m, n);
  const auto* id_data = static_cast<const int32_t*>(ids.data);
  for (int64_t i = 0; i < m; ++i) {
    if (id_data[i] < 0 || id_data[i] >= n_rows) return invalid("get_rows: id {} at {} outside 0..{}", id_data[i], i, n_rows - 1);
  }
  parallel_for(stream, m, n * 2, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      dequantize_row(table.dtype, static_cast<const char*>(table.data) + id_data[i] * table.stride[0],
                     reinterpret_cast<float*>(row_pointer(out, i)), n);
    }
  });
  return TESSERA_STATUS_OK;
}

}  // namespace tessera::cpu

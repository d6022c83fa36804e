// ADD: out = a + b, b [rows_b, n] broadcast over the rows of a [.., n]; also the shared row driver.
#include "kernels/elementwise.h"
#include "kernels/kernels.h"

namespace tessera::cpu {

tessera_status run_rows(Stream& stream, const tessera_op_call& call, const char* op, bool binary, bool broadcast,
                        RowFunction function, int64_t cost_per_element) {
  if (auto status = check_inputs(call, op, binary ? 2 : 1, binary ? 2 : 1)) return status;
  const tessera_tensor& a = call.inputs[0];
  if (auto status = check_tensor(op, "input 0", a, TESSERA_DTYPE_F32)) return status;
  if (auto status = check_tensor(op, "output", call.output, TESSERA_DTYPE_F32)) return status;
  if (!same_shape(a, call.output)) return invalid("{}: output shape differs from input 0", op);
  const int64_t rows = row_count(a);
  const int64_t n = row_length(a);
  int64_t rows_b = 0;
  if (binary) {
    const tessera_tensor& b = call.inputs[1];
    if (auto status = check_tensor(op, "input 1", b, TESSERA_DTYPE_F32)) return status;
    rows_b = row_count(b);
    if (row_length(b) != n) return invalid("{}: rows of input 1 have {} elements, input 0 {}", op, row_length(b), n);
    if (broadcast ? (rows_b == 0 || rows % rows_b != 0) : rows_b != rows) {
      return invalid("{}: input 1 has {} rows, which does not {} the {} rows of input 0", op, rows_b,
                     broadcast ? "divide" : "match", rows);
    }
  }
  parallel_for(stream, rows, n * cost_per_element, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const float* b_row = binary ? reinterpret_cast<const float*>(row_pointer(call.inputs[1], row % rows_b)) : nullptr;
      function(reinterpret_cast<float*>(row_pointer(call.output, row)), reinterpret_cast<const float*>(row_pointer(a, row)),
               b_row, n, call);
    }
  });
  return TESSERA_STATUS_OK;
}

namespace {
void add_row(float* out, const float* a, const float* b, int64_t n, const tessera_op_call&) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}
}  // namespace

tessera_status kernel_add(void* stream, const tessera_op_call* call) {
  return run_rows(*static_cast<Stream*>(stream), *call, "add", true, true, add_row, 1);
}

}  // namespace tessera::cpu

// The null backend: a complete, minimal Tessera backend to copy when porting to a new chip.
//
// A backend is a shared library exporting exactly one symbol, tessera_backend_init(), which returns a
// table of C function pointers (include/tessera/backend_abi.h). The runtime dlopens the library, calls
// init with its ABI version, and from then on talks to the device only through that table:
//
//   devices  -> device_count / device_info
//   memory   -> buffer_allocate / buffer_free / copy_to_device / copy_to_host
//   ordering -> stream_create / stream_destroy / stream_synchronize
//   compute  -> the kernel table: (op, input dtypes, output dtype, layout) -> function
//
// This skeleton keeps "device memory" in host memory and runs its one kernel (ADD on F32) on the calling
// thread. To port: replace the memory functions with your driver's allocator and DMA copies, make
// streams wrap your queues, and add kernel entries one op at a time. Ops you leave out are reported
// as unsupported; the engine places them on another device. `tessera conformance --backend
// path/to/libtessera_backend_yours.so` certifies every entry you add against the reference ops.
//
// Rules the runtime relies on:
// - Never throw across the C boundary; return a tessera_status and keep a message for last_error().
// - Kernels may be called from several threads, each with its own stream.
// - Tensor descriptors are row-major with byte strides; the innermost dimension is contiguous.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "tessera/backend_abi.h"

namespace {

// Per-init state. A vendor backend keeps its driver handles here.
struct NullContext {
  tessera_backend table{};
};

// A stream orders work on a device. Here work runs synchronously, so a stream needs no state; a
// real backend stores its command queue here.
struct NullStream {
  int device;
};

// last_error() returns the message of the last failure on the calling thread.
thread_local std::string last_error_text;

tessera_status fail(tessera_status status, const char* message) {
  last_error_text = message;
  return status;
}

// --- Devices --------------------------------------------------------------------------------------------------

int32_t null_device_count(void*) { return 1; }

tessera_status null_device_info(void*, int32_t device, tessera_device_info* info) {
  if (device != 0 || info == nullptr) return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null: no such device");
  std::memset(info, 0, sizeof *info);
  std::strncpy(info->name, "null device (host memory)", sizeof info->name - 1);
  info->kind = TESSERA_DEVICE_CPU;
  // 1 tells the runtime it may pass host pointers (e.g. memory-mapped weights) straight to kernels.
  // A discrete accelerator sets 0 and the runtime copies weights in with copy_to_device.
  info->host_accessible = 1;
  info->memory_bytes = 0;  // unknown
  return TESSERA_STATUS_OK;
}

// --- Memory ---------------------------------------------------------------------------------------------------

tessera_status null_buffer_allocate(void*, int32_t device, uint64_t size, void** data) {
  if (device != 0 || data == nullptr) return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null: no such device");
  // Keep allocations aligned for vector loads; a device allocator returns device addresses instead.
  void* memory = std::aligned_alloc(64, (size + 63) / 64 * 64 + (size == 0 ? 64 : 0));
  if (memory == nullptr) return fail(TESSERA_STATUS_OUT_OF_MEMORY, "null: out of host memory");
  *data = memory;
  return TESSERA_STATUS_OK;
}

void null_buffer_free(void*, int32_t, void* data) { std::free(data); }

tessera_status null_copy_to_device(void*, void*, void* device_data, const void* host_data, uint64_t size) {
  if (size > 0) std::memcpy(device_data, host_data, size);  // a DMA enqueued on the stream, for real hardware
  return TESSERA_STATUS_OK;
}

tessera_status null_copy_to_host(void*, void*, void* host_data, const void* device_data, uint64_t size) {
  if (size > 0) std::memcpy(host_data, device_data, size);
  return TESSERA_STATUS_OK;
}

// --- Streams --------------------------------------------------------------------------------------------------

tessera_status null_stream_create(void*, int32_t device, void** stream) {
  if (device != 0 || stream == nullptr) return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null: no such device");
  auto* created = new (std::nothrow) NullStream{device};
  if (created == nullptr) return fail(TESSERA_STATUS_OUT_OF_MEMORY, "null: out of host memory");
  *stream = created;
  return TESSERA_STATUS_OK;
}

void null_stream_destroy(void*, void* stream) { delete static_cast<NullStream*>(stream); }

// Waits until all work queued on the stream is done. Work here is synchronous, so it already is.
tessera_status null_stream_synchronize(void*, void*) { return TESSERA_STATUS_OK; }

// --- Settings -------------------------------------------------------------------------------------------------

tessera_status null_configure(void*, const char* key, const char*) {
  last_error_text = std::string("null: unknown setting '") + (key ? key : "") + "'";
  return TESSERA_STATUS_UNSUPPORTED;
}

// --- Kernels --------------------------------------------------------------------------------------------------

// ADD, F32: out = a + b, with b's rows repeating over a's rows (broadcast). A kernel checks what it
// relies on and fails with INVALID_ARGUMENT rather than reading out of bounds.
tessera_status null_add_f32(void*, const tessera_op_call* call) {
  if (call->n_inputs != 2) return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null add: needs 2 inputs");
  const tessera_tensor& a = call->inputs[0];
  const tessera_tensor& b = call->inputs[1];
  const tessera_tensor& out = call->output;
  if (a.n_dims < 1 || a.n_dims > TESSERA_MAX_DIMS || b.n_dims < 1 || b.n_dims > TESSERA_MAX_DIMS || out.n_dims != a.n_dims) {
    return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null add: bad ranks");
  }
  const int64_t n = a.shape[a.n_dims - 1];
  int64_t rows = 1, rows_b = 1;
  for (int dim = 0; dim + 1 < a.n_dims; ++dim) {
    if (a.shape[dim] != out.shape[dim]) return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null add: output shape");
    rows *= a.shape[dim];
  }
  for (int dim = 0; dim + 1 < b.n_dims; ++dim) rows_b *= b.shape[dim];
  if (b.shape[b.n_dims - 1] != n || out.shape[out.n_dims - 1] != n || rows_b <= 0 || rows % rows_b != 0) {
    return fail(TESSERA_STATUS_INVALID_ARGUMENT, "null add: shapes do not broadcast");
  }
  // Row r of a tensor lies at data + sum(index_d * stride_d) over its outer dimensions.
  auto row_address = [](const tessera_tensor& tensor, int64_t row) {
    char* address = static_cast<char*>(tensor.data);
    for (int dim = tensor.n_dims - 2; dim >= 0; --dim) {
      address += (row % tensor.shape[dim]) * tensor.stride[dim];
      row /= tensor.shape[dim];
    }
    return address;
  };
  for (int64_t row = 0; row < rows; ++row) {
    const auto* x = reinterpret_cast<const float*>(row_address(a, row));
    const auto* y = reinterpret_cast<const float*>(row_address(b, row % rows_b));
    auto* z = reinterpret_cast<float*>(row_address(out, row));
    for (int64_t i = 0; i < n; ++i) z[i] = x[i] + y[i];
  }
  return TESSERA_STATUS_OK;
}

// The kernel table. Keys are (op, input dtypes padded with NONE, output dtype, layout of input 0).
// List the preferred kernel first when two entries share a key. Add one entry per op x dtype signature
// your hardware runs; run the conformance suite after each.
const tessera_kernel_entry kKernels[] = {
    {TESSERA_OP_ADD,
     {TESSERA_DTYPE_F32, TESSERA_DTYPE_F32, TESSERA_DTYPE_NONE, TESSERA_DTYPE_NONE, TESSERA_DTYPE_NONE,
      TESSERA_DTYPE_NONE, TESSERA_DTYPE_NONE, TESSERA_DTYPE_NONE},
     TESSERA_DTYPE_F32,
     TESSERA_LAYOUT_PLAIN,
     null_add_f32,
     "add_f32"},
};

const char* null_last_error(void*) { return last_error_text.c_str(); }

void null_shutdown(void* context) { delete static_cast<NullContext*>(context); }

}  // namespace

// The one exported symbol. Return NULL for ABI versions this build does not implement: the runtime
// then refuses the backend with a clear message instead of calling into a mismatched table.
extern "C" __attribute__((visibility("default"))) const tessera_backend* tessera_backend_init(
    uint32_t runtime_abi_version) {
  if (runtime_abi_version != TESSERA_BACKEND_ABI_VERSION) return nullptr;
  auto* context = new (std::nothrow) NullContext();
  if (context == nullptr) return nullptr;
  tessera_backend& table = context->table;
  table.abi_version = TESSERA_BACKEND_ABI_VERSION;
  table.name = "null";
  table.context = context;
  table.device_count = null_device_count;
  table.device_info = null_device_info;
  table.buffer_allocate = null_buffer_allocate;
  table.buffer_free = null_buffer_free;
  table.stream_create = null_stream_create;
  table.stream_destroy = null_stream_destroy;
  table.stream_synchronize = null_stream_synchronize;
  table.copy_to_device = null_copy_to_device;
  table.copy_to_host = null_copy_to_host;
  table.configure = null_configure;
  table.kernel_count = sizeof kKernels / sizeof kKernels[0];
  table.kernels = kKernels;
  table.pack_weight = nullptr;  // optional: this backend reads every weight in the plain layout
  table.last_error = null_last_error;
  table.shutdown = null_shutdown;
  return &table;
}

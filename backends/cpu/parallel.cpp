// Streams, threading and the small helpers shared by every kernel.
#include <cstdlib>

#include "cpu_backend.h"
#include "tessera/block_formats.h"

namespace tessera::cpu {

namespace {
thread_local std::string last_error_text;

// Below this many elementary operations a kernel runs on the calling thread: waking workers costs
// a few microseconds.
constexpr std::int64_t kInlineWork = 32 * 1024;
// A region is cut into chunks of at least this much work, and into at most kChunksPerThread chunks
// per thread: enough that threads which are running can take over the share of one that is not,
// few enough that claiming them costs little.
constexpr std::int64_t kChunkWork = 16 * 1024;
constexpr std::int64_t kChunksPerThread = 4;

// Runs body over [0, count) cut into n_chunks nearly equal contiguous ranges, claimed by the threads.
void run_chunks(ThreadPool& pool, std::int64_t count, std::int64_t n_chunks,
                const std::function<void(std::int64_t, std::int64_t)>& body) {
  struct Split {
    const std::function<void(std::int64_t, std::int64_t)>* body;
    std::int64_t count, n_chunks;
  } split{&body, count, n_chunks};
  // Capturing one pointer keeps the std::function free of allocation.
  pool.for_each(n_chunks, [split = &split](std::int64_t chunk) {
    const Range range = split_range(split->count, chunk, split->n_chunks);
    if (range.begin < range.end) (*split->body)(range.begin, range.end);
  });
}
}  // namespace

tessera_status set_error(tessera_status status, const std::string& message) {
  last_error_text = message;
  return status;
}

const char* last_error_message() { return last_error_text.c_str(); }

ThreadPool& Stream::threads() {
  if (!pool || pool->size() != context->threads) pool = std::make_unique<ThreadPool>(context->threads);
  return *pool;
}

std::byte* Stream::scratch_bytes(std::size_t bytes) {
  if (scratch.size() < bytes + 64) scratch.resize(bytes + 64);
  auto address = reinterpret_cast<std::uintptr_t>(scratch.data());
  return scratch.data() + ((64 - address % 64) % 64);
}

void parallel_for(Stream& stream, std::int64_t count, std::int64_t cost_per_item,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (count <= 0) return;
  ThreadPool& pool = stream.threads();
  const std::int64_t work = count * (cost_per_item > 1 ? cost_per_item : 1);
  if (pool.size() == 1 || count == 1 || work < kInlineWork) {
    body(0, count);
    return;
  }
  // The chunks depend only on the sizes and the thread count, never on timing.
  const std::int64_t threads = pool.size();
  std::int64_t n_chunks = work / kChunkWork;
  if (n_chunks > threads * kChunksPerThread) n_chunks = threads * kChunksPerThread;
  if (n_chunks < threads) n_chunks = threads;
  if (n_chunks > count) n_chunks = count;
  run_chunks(pool, count, n_chunks, body);
}

void parallel_for_chunked(Stream& stream, std::int64_t count, std::int64_t chunk_items,
                          const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (count <= 0) return;
  if (chunk_items < 1) chunk_items = 1;
  const std::int64_t n_chunks = (count + chunk_items - 1) / chunk_items;
  stream.threads().for_each(n_chunks, [&](std::int64_t chunk) {
    const std::int64_t begin = chunk * chunk_items;
    body(begin, begin + chunk_items < count ? begin + chunk_items : count);
  });
}

void parallel_run(Stream& stream, const std::function<void(int, int)>& body) { stream.threads().run(body); }

std::int64_t element_bytes(std::int32_t dtype) {
  switch (dtype) {
    case TESSERA_DTYPE_F32: case TESSERA_DTYPE_I32: return 4;
    case TESSERA_DTYPE_F16: case TESSERA_DTYPE_BF16: case TESSERA_DTYPE_I16: return 2;
    case TESSERA_DTYPE_I8: return 1;
    case TESSERA_DTYPE_I64: case TESSERA_DTYPE_F64: return 8;
    default: return 0;
  }
}

std::int64_t block_elements(std::int32_t dtype) {
  switch (dtype) {
    case TESSERA_DTYPE_Q4_0: case TESSERA_DTYPE_Q4_1: case TESSERA_DTYPE_Q5_0: case TESSERA_DTYPE_Q5_1: case TESSERA_DTYPE_Q8_0:
      return 32;
    case TESSERA_DTYPE_Q4_K: case TESSERA_DTYPE_Q5_K: case TESSERA_DTYPE_Q6_K: return TESSERA_QK_K;
    default: return element_bytes(dtype) > 0 ? 1 : 0;
  }
}

std::int64_t block_bytes(std::int32_t dtype) {
  switch (dtype) {
    case TESSERA_DTYPE_Q4_0: return sizeof(tessera_block_q4_0);
    case TESSERA_DTYPE_Q4_1: return sizeof(tessera_block_q4_1);
    case TESSERA_DTYPE_Q8_0: return sizeof(tessera_block_q8_0);
    case TESSERA_DTYPE_Q5_0: return sizeof(tessera_block_q5_0);
    case TESSERA_DTYPE_Q5_1: return sizeof(tessera_block_q5_1);
    case TESSERA_DTYPE_Q4_K: return sizeof(tessera_block_q4_k);
    case TESSERA_DTYPE_Q5_K: return sizeof(tessera_block_q5_k);
    case TESSERA_DTYPE_Q6_K: return sizeof(tessera_block_q6_k);
    default: return element_bytes(dtype);
  }
}

tessera_status check_tensor(const char* op, const char* what, const tessera_tensor& tensor, std::int32_t dtype) {
  if (tensor.dtype != dtype) return invalid("{}: {} has dtype {}, expected {}", op, what, tensor.dtype, dtype);
  if (tensor.n_dims < 1 || tensor.n_dims > TESSERA_MAX_DIMS) return invalid("{}: {} has {} dims", op, what, tensor.n_dims);
  for (int dim = 0; dim < tensor.n_dims; ++dim) {
    if (tensor.shape[dim] < 0) return invalid("{}: {} has a negative extent", op, what);
  }
  if (tensor.data == nullptr && row_count(tensor) * row_length(tensor) > 0) return invalid("{}: {} has no data", op, what);
  return TESSERA_STATUS_OK;
}

tessera_status check_inputs(const tessera_op_call& call, const char* op, int n_inputs_min, int n_inputs_max) {
  if (call.n_inputs < n_inputs_min || call.n_inputs > n_inputs_max) {
    return invalid("{}: {} inputs given, expected {}..{}", op, call.n_inputs, n_inputs_min, n_inputs_max);
  }
  return TESSERA_STATUS_OK;
}

bool same_shape(const tessera_tensor& a, const tessera_tensor& b) {
  if (a.n_dims != b.n_dims) return false;
  for (int dim = 0; dim < a.n_dims; ++dim) {
    if (a.shape[dim] != b.shape[dim]) return false;
  }
  return true;
}

}  // namespace tessera::cpu

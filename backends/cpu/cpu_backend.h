// Internal state of the CPU backend: the context behind the C table, streams, and the helpers every
// kernel uses (errors, threading, tensor rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/thread_pool.h"
#include "tessera/backend_abi.h"

namespace tessera::cpu {

// Instruction-set levels, ordered: a level implies every lower one.
enum class Isa : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

const char* isa_name(Isa isa);
// Highest level this CPU supports (cpuid), and the level parsed from a name ("scalar", "avx2", "avx512").
Isa detect_isa();
bool parse_isa(const std::string& name, Isa* isa);
// "AMD EPYC 9454 (avx512, vnni)": the CPU model from /proc/cpuinfo and the level in use.
std::string describe_cpu(Isa isa);
int hardware_threads();

struct Context {
  Isa detected = Isa::kScalar;
  Isa isa =
      Isa::kScalar;  // level the kernels dispatch to: detected, capped by TESSERA_CPU_ISA or configure("isa")
  int threads = 1;   // threads of each stream, the caller included
  bool pack = true;  // pack_weight rewrites matmul weights (configure("pack", "off"), TESSERA_CPU_PACK=0)
  // Packed Q8_0, Q4_0 and Q4_1 batches under 16 rows add up in the plain kernels' order, which is
  // llama.cpp's x86 vec_dot order: bit-identical results, at up to twice the instructions per weight
  // byte (configure("order", "plain"), TESSERA_CPU_ORDER=plain); the attention of a single token and
  // RMS norm (at every batch size) then follow llama.cpp's orders too. Otherwise every batch takes the
  // block order of prefill, which gives the same bits at every SIMD level and, for quantized weights, at
  // any batch size.
  bool plain_order = false;
  tessera_backend table{};
};

// A stream runs kernels synchronously on the caller's thread plus its own worker threads.
struct Stream {
  Context* context = nullptr;
  std::unique_ptr<ThreadPool> pool;
  std::vector<std::byte> scratch;  // reused between kernels: quantized activations, attention scores

  ThreadPool& threads();
  // At least `bytes` of scratch memory, 64-byte aligned; valid until the next call.
  std::byte* scratch_bytes(std::size_t bytes);
};

// Memory for a packed weight, in huge-page arenas (weight_arena.cpp); NULL when out of memory.
// release_weight returns false for memory that did not come from allocate_weight.
void* allocate_weight(std::uint64_t bytes);
bool release_weight(void* memory);

// Records the message returned by last_error() on this thread and returns the status.
tessera_status set_error(tessera_status status, const std::string& message);
const char* last_error_message();

template <typename... Args>
tessera_status invalid(fmt::format_string<Args...> format, Args&&... args) {
  return set_error(TESSERA_STATUS_INVALID_ARGUMENT, fmt::format(format, std::forward<Args>(args)...));
}

// Runs body(begin, end) over [0, count) split in contiguous ranges across the stream's threads. Work
// smaller than about a thread dispatch (count * cost_per_item < ~32k operations) runs inline. Larger
// work is cut into a few ranges per thread of at least ~16k operations each, claimed by the threads as
// they become free; the ranges depend only on count, cost_per_item and the thread count.
void parallel_for(Stream& stream, std::int64_t count, std::int64_t cost_per_item,
                  const std::function<void(std::int64_t, std::int64_t)>& body);
// Runs body(begin, end) over [0, count) in ranges of chunk_items items, each beginning at a multiple
// of chunk_items, claimed by the stream's threads as they become free (inline with one thread).
void parallel_for_chunked(Stream& stream, std::int64_t count, std::int64_t chunk_items,
                          const std::function<void(std::int64_t, std::int64_t)>& body);
// Runs body(part, n_threads) once for every part in [0, n_threads). Parts are claimed like ranges, so
// a part is not tied to a thread, but calls for one part never overlap: per-part scratch is safe.
void parallel_run(Stream& stream, const std::function<void(int, int)>& body);

// --- Tensor rows ---
// A tensor is viewed as rows of its innermost dimension; outer dimensions may have any byte strides.

inline std::int64_t row_length(const tessera_tensor& tensor) {
  return tensor.shape[tensor.n_dims - 1];
}

inline std::int64_t row_count(const tessera_tensor& tensor) {
  std::int64_t rows = 1;
  for (int dim = 0; dim + 1 < tensor.n_dims; ++dim) rows *= tensor.shape[dim];
  return rows;
}

inline char* row_pointer(const tessera_tensor& tensor, std::int64_t row) {
  char* pointer = static_cast<char*>(tensor.data);
  for (int dim = tensor.n_dims - 2; dim >= 0; --dim) {
    const std::int64_t extent = tensor.shape[dim];
    pointer += (row % extent) * tensor.stride[dim];
    row /= extent;
  }
  return pointer;
}

// Byte size of one element, or 0 for block-quantized and unknown dtypes.
std::int64_t element_bytes(std::int32_t dtype);
// Elements per block and bytes per block of a dtype (1 and element size for plain types); 0 when unknown.
std::int64_t block_elements(std::int32_t dtype);
std::int64_t block_bytes(std::int32_t dtype);

// Checks shared by every kernel: the input count, a dtype and rank sanity, no null data.
tessera_status check_tensor(const char* op, const char* what, const tessera_tensor& tensor,
                            std::int32_t dtype);
tessera_status check_inputs(const tessera_op_call& call, const char* op, int n_inputs_min, int n_inputs_max);
bool same_shape(const tessera_tensor& a, const tessera_tensor& b);

}  // namespace tessera::cpu

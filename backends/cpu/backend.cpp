// The C table of the CPU backend: one host-memory device "cpu" whose streams run kernels synchronously
// on a thread pool. Exports only tessera_backend_init.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <unistd.h>

#include "cpu_backend.h"
#include "kernels/kernels.h"

namespace tessera::cpu {
namespace {

Context* as_context(void* context) {
  return static_cast<Context*>(context);
}

int32_t device_count(void*) {
  return 1;
}

tessera_status device_info(void* context, int32_t device, tessera_device_info* info) {
  if (device != 0 || info == nullptr) return invalid("cpu: no device {}", device);
  std::memset(info, 0, sizeof *info);
  std::string name = describe_cpu(as_context(context)->isa);
  std::strncpy(info->name, name.c_str(), sizeof info->name - 1);
  info->kind = TESSERA_DEVICE_CPU;
  info->host_accessible = 1;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  info->memory_bytes =
      pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) : 0;
  return TESSERA_STATUS_OK;
}

// 64-byte aligned so that every SIMD load of a row start is cache-line aligned.
tessera_status buffer_allocate(void*, int32_t device, uint64_t size, void** data) {
  if (device != 0 || data == nullptr) return invalid("cpu: no device {}", device);
  const uint64_t rounded = (size + 63) / 64 * 64;
  void* memory = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (memory == nullptr)
    return set_error(TESSERA_STATUS_OUT_OF_MEMORY, fmt::format("cpu: cannot allocate {} bytes", size));
  *data = memory;
  return TESSERA_STATUS_OK;
}

// Packed weights (pack_weight) come from the weight arenas; every other buffer from aligned_alloc.
void buffer_free(void*, int32_t, void* data) {
  if (!release_weight(data)) std::free(data);
}

tessera_status stream_create(void* context, int32_t device, void** stream) {
  if (device != 0 || stream == nullptr) return invalid("cpu: no device {}", device);
  auto* created = new (std::nothrow) Stream();
  if (created == nullptr) return set_error(TESSERA_STATUS_OUT_OF_MEMORY, "cpu: cannot allocate a stream");
  created->context = as_context(context);
  *stream = created;
  return TESSERA_STATUS_OK;
}

void stream_destroy(void*, void* stream) {
  delete static_cast<Stream*>(stream);
}

// Kernels run synchronously: by the time a call returns its work is done.
tessera_status stream_synchronize(void*, void*) {
  return TESSERA_STATUS_OK;
}

tessera_status copy_to_device(void*, void*, void* device_data, const void* host_data, uint64_t size) {
  if (size > 0) std::memcpy(device_data, host_data, size);
  return TESSERA_STATUS_OK;
}

tessera_status copy_to_host(void*, void*, void* host_data, const void* device_data, uint64_t size) {
  if (size > 0) std::memcpy(host_data, device_data, size);
  return TESSERA_STATUS_OK;
}

tessera_status configure(void* context, const char* key, const char* value) {
  Context* state = as_context(context);
  const std::string name = key ? key : "";
  const std::string text = value ? value : "";
  if (name == "threads") {
    char* end = nullptr;
    long count = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || count < 0 || count > 1024)
      return invalid("cpu: threads '{}' is not a count", text);
    state->threads = count == 0 ? hardware_threads() : static_cast<int>(count);
    return TESSERA_STATUS_OK;
  }
  if (name == "isa") {  // caps the dispatch level, e.g. to test the AVX2 path on an AVX-512 machine
    Isa requested;
    if (!parse_isa(text, &requested)) return invalid("cpu: isa '{}' is not scalar, avx2 or avx512", text);
    state->isa =
        static_cast<int>(requested) < static_cast<int>(state->detected) ? requested : state->detected;
    return TESSERA_STATUS_OK;
  }
  if (name == "pack") {  // "off" keeps every weight in the plain layout, e.g. to compare both
    if (text != "on" && text != "off") return invalid("cpu: pack '{}' is not on or off", text);
    state->pack = text == "on";
    return TESSERA_STATUS_OK;
  }
  if (name == "order") {  // "plain": small packed batches give the plain layout's bits (cpu_backend.h)
    if (text != "plain" && text != "blocks") return invalid("cpu: order '{}' is not plain or blocks", text);
    state->plain_order = text == "plain";
    return TESSERA_STATUS_OK;
  }
  return set_error(TESSERA_STATUS_UNSUPPORTED, fmt::format("cpu: unknown setting '{}'", name));
}

const char* last_error(void*) {
  return last_error_message();
}

void shutdown(void* context) {
  delete as_context(context);
}

}  // namespace

}  // namespace tessera::cpu

extern "C" __attribute__((visibility("default"))) const tessera_backend* tessera_backend_init(
    uint32_t runtime_abi_version) {
  using namespace tessera::cpu;
  if (runtime_abi_version != TESSERA_BACKEND_ABI_VERSION) return nullptr;
  auto* context = new (std::nothrow) Context();
  if (context == nullptr) return nullptr;
  context->detected = detect_isa();
  context->isa = context->detected;
  if (const char* cap = std::getenv("TESSERA_CPU_ISA")) {
    Isa requested;
    if (parse_isa(cap, &requested) && static_cast<int>(requested) < static_cast<int>(context->isa))
      context->isa = requested;
  }
  context->threads = hardware_threads();
  if (const char* pack = std::getenv("TESSERA_CPU_PACK")) context->pack = std::string(pack) != "0";
  if (const char* order = std::getenv("TESSERA_CPU_ORDER")) {
    context->plain_order = std::string(order) == "plain";
  }
  if (const char* threads = std::getenv("TESSERA_CPU_THREADS")) {
    const int count = std::atoi(threads);
    if (count > 0 && count <= 1024) context->threads = count;
  }
  tessera_backend& table = context->table;
  table.abi_version = TESSERA_BACKEND_ABI_VERSION;
  table.name = "cpu";
  table.context = context;
  table.device_count = device_count;
  table.device_info = device_info;
  table.buffer_allocate = buffer_allocate;
  table.buffer_free = buffer_free;
  table.stream_create = stream_create;
  table.stream_destroy = stream_destroy;
  table.stream_synchronize = stream_synchronize;
  table.copy_to_device = copy_to_device;
  table.copy_to_host = copy_to_host;
  table.configure = configure;
  table.kernel_count = kernel_table_size();
  table.kernels = kernel_table();
  table.pack_weight = pack_weight;
  table.last_error = last_error;
  table.shutdown = shutdown;
  return &table;
}

#include "runtime/backend.h"

#include <dlfcn.h>

#include <fmt/format.h>

#include "tensor/dtype.h"

namespace tessera::runtime {

const char* op_name(std::int32_t op) {
  switch (op) {
    case TESSERA_OP_GET_ROWS: return "get_rows";
    case TESSERA_OP_SET_ROWS: return "set_rows";
    case TESSERA_OP_MATMUL: return "matmul";
    case TESSERA_OP_ADD: return "add";
    case TESSERA_OP_MUL: return "mul";
    case TESSERA_OP_SCALE: return "scale";
    case TESSERA_OP_RMS_NORM: return "rms_norm";
    case TESSERA_OP_ROPE: return "rope";
    case TESSERA_OP_SOFTMAX: return "softmax";
    case TESSERA_OP_SILU: return "silu";
    case TESSERA_OP_GELU: return "gelu";
    case TESSERA_OP_SWIGLU: return "swiglu";
    case TESSERA_OP_ATTENTION: return "attention";
    default: return "unknown";
  }
}

const char* status_name(tessera_status status) {
  switch (status) {
    case TESSERA_STATUS_OK: return "ok";
    case TESSERA_STATUS_UNSUPPORTED: return "unsupported";
    case TESSERA_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case TESSERA_STATUS_OUT_OF_MEMORY: return "out of memory";
    case TESSERA_STATUS_DEVICE_ERROR: return "device error";
  }
  return "unknown status";
}

namespace {
std::string dtype_label(std::int32_t id) {
  auto info = dtype_info(id);
  return info ? std::string(info->name) : fmt::format("type{}", id);
}
}  // namespace

KernelKey KernelKey::from_call(const tessera_op_call& call, std::int32_t layout) {
  KernelKey key;
  key.op = call.op;
  key.input_dtypes.fill(TESSERA_DTYPE_NONE);
  for (int index = 0; index < call.n_inputs && index < TESSERA_MAX_INPUTS; ++index) {
    key.input_dtypes[static_cast<std::size_t>(index)] = call.inputs[index].dtype;
  }
  key.output_dtype = call.output.dtype;
  key.layout = layout;
  return key;
}

KernelKey KernelKey::from_entry(const tessera_kernel_entry& entry) {
  KernelKey key;
  key.op = entry.op;
  for (std::size_t index = 0; index < TESSERA_MAX_INPUTS; ++index) key.input_dtypes[index] = entry.input_dtypes[index];
  key.output_dtype = entry.output_dtype;
  key.layout = entry.layout;
  return key;
}

std::string KernelKey::to_string() const {
  std::string inputs;
  for (auto dtype : input_dtypes) {
    if (dtype == TESSERA_DTYPE_NONE) break;
    if (!inputs.empty()) inputs += ", ";
    inputs += dtype_label(dtype);
  }
  std::string text = fmt::format("{}({}) -> {}", op_name(op), inputs, dtype_label(output_dtype));
  if (layout != TESSERA_LAYOUT_PLAIN) text += fmt::format(" [layout {}]", layout);
  return text;
}

std::size_t KernelKeyHash::operator()(const KernelKey& key) const {
  std::size_t hash = static_cast<std::size_t>(key.op) * 1000003u;
  for (auto dtype : key.input_dtypes) hash = hash * 31u + static_cast<std::size_t>(dtype + 2);
  hash = hash * 31u + static_cast<std::size_t>(key.output_dtype + 2);
  return hash * 31u + static_cast<std::size_t>(key.layout);
}

Result<std::shared_ptr<Backend>> Backend::load(const std::string& path) {
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = ::dlerror();
    return make_error(ErrorCode::kNotFound, "backend {}: cannot load: {}", path, reason ? reason : "unknown reason");
  }
  auto init = reinterpret_cast<tessera_backend_init_fn>(::dlsym(library, "tessera_backend_init"));
  if (init == nullptr) {
    ::dlclose(library);
    return make_error(ErrorCode::kInvalidFormat, "backend {}: does not export tessera_backend_init", path);
  }
  const tessera_backend* table = init(TESSERA_BACKEND_ABI_VERSION);
  if (table == nullptr) {
    ::dlclose(library);
    return make_error(ErrorCode::kUnsupported, "backend {}: refused runtime ABI version {}", path,
                      TESSERA_BACKEND_ABI_VERSION);
  }
  auto adopted = adopt(table, path);
  if (!adopted.ok()) {
    ::dlclose(library);
    return adopted;
  }
  adopted.value()->library_ = library;
  return adopted;
}

Result<std::shared_ptr<Backend>> Backend::adopt(const tessera_backend* table, std::string origin) {
  if (table->abi_version != TESSERA_BACKEND_ABI_VERSION) {
    if (table->shutdown) table->shutdown(table->context);
    return make_error(ErrorCode::kUnsupported, "backend {}: built for ABI version {}, this runtime supports {}", origin,
                      table->abi_version, TESSERA_BACKEND_ABI_VERSION);
  }
  if (table->name == nullptr || table->device_count == nullptr || table->stream_create == nullptr ||
      table->stream_destroy == nullptr || table->stream_synchronize == nullptr || table->buffer_allocate == nullptr ||
      table->buffer_free == nullptr || (table->kernel_count > 0 && table->kernels == nullptr)) {
    if (table->shutdown) table->shutdown(table->context);
    return make_error(ErrorCode::kInvalidFormat, "backend {}: function table is incomplete", origin);
  }
  std::shared_ptr<Backend> backend(new Backend());
  backend->table_ = table;
  backend->name_ = table->name;
  backend->origin_ = std::move(origin);
  for (std::uint32_t index = 0; index < table->kernel_count; ++index) {
    const auto& entry = table->kernels[index];
    // The first entry for a key wins: backends list their preferred kernel first.
    backend->kernel_index_.emplace(KernelKey::from_entry(entry), &entry);
  }
  return backend;
}

Backend::~Backend() {
  if (table_ != nullptr && table_->shutdown != nullptr) table_->shutdown(table_->context);
  if (library_ != nullptr) ::dlclose(library_);
}

int Backend::device_count() const { return table_->device_count(table_->context); }

Result<tessera_device_info> Backend::device_info(int device) const {
  tessera_device_info info{};
  tessera_status status = table_->device_info(table_->context, device, &info);
  if (status != TESSERA_STATUS_OK) {
    return make_error(ErrorCode::kInvalidArgument, "backend {}: device {}: {}", name_, device, describe_failure(status));
  }
  info.name[sizeof(info.name) - 1] = '\0';
  return info;
}

const tessera_kernel_entry* Backend::find_kernel(const KernelKey& key) const {
  auto found = kernel_index_.find(key);
  return found == kernel_index_.end() ? nullptr : found->second;
}

Result<void> Backend::configure(const std::string& key, const std::string& value) const {
  if (table_->configure == nullptr) {
    return make_error(ErrorCode::kUnsupported, "backend {}: has no settings (asked for '{}')", name_, key);
  }
  tessera_status status = table_->configure(table_->context, key.c_str(), value.c_str());
  if (status != TESSERA_STATUS_OK) {
    return make_error(status == TESSERA_STATUS_UNSUPPORTED ? ErrorCode::kUnsupported : ErrorCode::kInvalidArgument,
                      "backend {}: setting {}={}: {}", name_, key, value, describe_failure(status));
  }
  return {};
}

std::string Backend::describe_failure(tessera_status status) const {
  const char* message = table_->last_error ? table_->last_error(table_->context) : nullptr;
  if (message != nullptr && message[0] != '\0') return fmt::format("{} ({})", message, status_name(status));
  return status_name(status);
}

}  // namespace tessera::runtime

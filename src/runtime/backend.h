// A backend plugin loaded through the C ABI (include/tessera/backend_abi.h).
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "tessera/backend_abi.h"

namespace tessera::runtime {

// Identifies a kernel: the op, the dtype of each input (TESSERA_DTYPE_NONE past the last), the output
// dtype and the layout of input 0.
struct KernelKey {
  std::int32_t op = 0;
  std::array<std::int32_t, TESSERA_MAX_INPUTS> input_dtypes{};
  std::int32_t output_dtype = TESSERA_DTYPE_NONE;
  std::int32_t layout = TESSERA_LAYOUT_PLAIN;

  static KernelKey from_call(const tessera_op_call& call, std::int32_t layout = TESSERA_LAYOUT_PLAIN);
  static KernelKey from_entry(const tessera_kernel_entry& entry);
  bool operator==(const KernelKey& other) const = default;
  std::string to_string() const;  // "matmul(Q4_0, F32) -> F32"
};

struct KernelKeyHash {
  std::size_t operator()(const KernelKey& key) const;
};

class Backend {
 public:
  // Loads a shared library and initialises it for this runtime's ABI version.
  static Result<std::shared_ptr<Backend>> load(const std::string& path);
  // Wraps a table the caller already has (a backend linked into the executable, or a test double).
  static Result<std::shared_ptr<Backend>> adopt(const tessera_backend* table, std::string origin);

  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  const std::string& name() const { return name_; }
  const std::string& origin() const { return origin_; }
  const tessera_backend& table() const { return *table_; }
  int device_count() const;
  Result<tessera_device_info> device_info(int device) const;

  // nullptr when the backend has no kernel for this key: the op is unsupported there.
  const tessera_kernel_entry* find_kernel(const KernelKey& key) const;
  std::span<const tessera_kernel_entry> kernels() const { return {table_->kernels, table_->kernel_count}; }

  Result<void> configure(const std::string& key, const std::string& value) const;
  // Message of the last failed call, or the status name when the backend gives none.
  std::string describe_failure(tessera_status status) const;

 private:
  Backend() = default;
  void* library_ = nullptr;
  const tessera_backend* table_ = nullptr;
  std::string name_;
  std::string origin_;
  std::unordered_map<KernelKey, const tessera_kernel_entry*, KernelKeyHash> kernel_index_;
};

const char* op_name(std::int32_t op);
const char* status_name(tessera_status status);

}  // namespace tessera::runtime

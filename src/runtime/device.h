// Devices, buffers and streams of a loaded backend: thin RAII wrappers over the C ABI.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/error.h"
#include "runtime/backend.h"

namespace tessera::runtime {

class Device {
 public:
  Device(std::shared_ptr<Backend> backend, int index) : backend_(std::move(backend)), index_(index) {}

  Backend& backend() const { return *backend_; }
  const std::shared_ptr<Backend>& backend_pointer() const { return backend_; }
  int index() const { return index_; }
  // "cpu:0"
  std::string label() const;
  Result<tessera_device_info> info() const { return backend_->device_info(index_); }
  // True when host pointers (e.g. a memory-mapped file) can be given to its kernels directly.
  bool host_accessible() const;

 private:
  std::shared_ptr<Backend> backend_;
  int index_;
};

// Device memory owned for the lifetime of the object.
class Buffer {
 public:
  static Result<Buffer> allocate(const Device& device, std::uint64_t size);
  // Takes ownership of memory the backend allocated (e.g. by pack_weight).
  static Buffer adopt(const Device& device, void* data, std::uint64_t size);
  Buffer() = default;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  void* data() const { return data_; }
  std::uint64_t size() const { return size_; }

 private:
  void release();
  std::shared_ptr<Backend> backend_;
  int device_ = 0;
  void* data_ = nullptr;
  std::uint64_t size_ = 0;
};

// A weight rewritten by the backend into a layout of its own (tessera_backend::pack_weight).
struct PackedWeight {
  Buffer buffer;
  tessera_tensor tensor{};
  std::int32_t layout = TESSERA_LAYOUT_PLAIN;
};
// The packed form of a weight that `op` reads as input 0; an empty buffer when the backend keeps the
// plain layout.
Result<PackedWeight> pack_weight(const Device& device, std::int32_t op, const tessera_tensor& weight);

// An ordered queue of kernels and copies on one device.
class Stream {
 public:
  static Result<std::unique_ptr<Stream>> create(const Device& device);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  const Device& device() const { return device_; }
  bool supports(const KernelKey& key) const { return device_.backend().find_kernel(key) != nullptr; }
  // Runs the kernel registered for the call's key; kUnsupported when there is none.
  Result<void> run(const tessera_op_call& call, std::int32_t layout = TESSERA_LAYOUT_PLAIN);
  Result<void> synchronize();
  Result<void> copy_to_device(void* device_data, const void* host_data, std::uint64_t size);
  Result<void> copy_to_host(void* host_data, const void* device_data, std::uint64_t size);

 private:
  Stream(Device device, void* handle) : device_(std::move(device)), handle_(handle) {}
  Device device_;
  void* handle_;
};

}  // namespace tessera::runtime

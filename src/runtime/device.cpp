#include "runtime/device.h"

#include <chrono>

#include <fmt/format.h>

#include "runtime/kernel_profile.h"

namespace tessera::runtime {

std::string Device::label() const { return fmt::format("{}:{}", backend_->name(), index_); }

bool Device::host_accessible() const {
  auto details = info();
  return details.ok() && details->host_accessible != 0;
}

Result<Buffer> Buffer::allocate(const Device& device, std::uint64_t size) {
  Buffer buffer;
  const auto& table = device.backend().table();
  tessera_status status = table.buffer_allocate(table.context, device.index(), size, &buffer.data_);
  if (status != TESSERA_STATUS_OK) {
    return make_error(status == TESSERA_STATUS_OUT_OF_MEMORY ? ErrorCode::kOutOfMemory : ErrorCode::kInternal,
                      "{}: cannot allocate {} bytes: {}", device.label(), size,
                      device.backend().describe_failure(status));
  }
  buffer.backend_ = device.backend_pointer();
  buffer.device_ = device.index();
  buffer.size_ = size;
  return buffer;
}

Buffer Buffer::adopt(const Device& device, void* data, std::uint64_t size) {
  Buffer buffer;
  buffer.backend_ = device.backend_pointer();
  buffer.device_ = device.index();
  buffer.data_ = data;
  buffer.size_ = size;
  return buffer;
}

Result<PackedWeight> pack_weight(const Device& device, std::int32_t op, const tessera_tensor& weight) {
  PackedWeight packed;
  const auto& table = device.backend().table();
  if (table.pack_weight == nullptr) return packed;
  tessera_tensor result{};
  std::int32_t layout = TESSERA_LAYOUT_PLAIN;
  tessera_status status = table.pack_weight(table.context, device.index(), op, &weight, &layout, &result);
  if (status == TESSERA_STATUS_UNSUPPORTED) return packed;
  if (status != TESSERA_STATUS_OK) {
    return make_error(status == TESSERA_STATUS_OUT_OF_MEMORY ? ErrorCode::kOutOfMemory : ErrorCode::kInternal,
                      "{}: cannot pack a weight: {}", device.label(), device.backend().describe_failure(status));
  }
  packed.buffer = Buffer::adopt(device, result.data, 0);
  packed.tensor = result;
  packed.layout = layout;
  return packed;
}

Buffer::Buffer(Buffer&& other) noexcept
    : backend_(std::move(other.backend_)), device_(other.device_), data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    backend_ = std::move(other.backend_);
    device_ = other.device_;
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

Buffer::~Buffer() { release(); }

void Buffer::release() {
  if (data_ != nullptr && backend_) backend_->table().buffer_free(backend_->table().context, device_, data_);
  data_ = nullptr;
  size_ = 0;
}

Result<std::unique_ptr<Stream>> Stream::create(const Device& device) {
  const auto& table = device.backend().table();
  void* handle = nullptr;
  tessera_status status = table.stream_create(table.context, device.index(), &handle);
  if (status != TESSERA_STATUS_OK) {
    return make_error(ErrorCode::kInternal, "{}: cannot create stream: {}", device.label(),
                      device.backend().describe_failure(status));
  }
  return std::unique_ptr<Stream>(new Stream(device, handle));
}

Stream::~Stream() {
  const auto& table = device_.backend().table();
  table.stream_destroy(table.context, handle_);
}

Result<void> Stream::run(const tessera_op_call& call, std::int32_t layout) {
  KernelKey key = KernelKey::from_call(call, layout);
  const tessera_kernel_entry* kernel = device_.backend().find_kernel(key);
  if (kernel == nullptr) {
    return make_error(ErrorCode::kUnsupported, "{}: no kernel for {}", device_.label(), key.to_string());
  }
  KernelProfile& profile = KernelProfile::global();
  const bool timed = profile.recording();
  const auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  tessera_status status = kernel->run(handle_, &call);
  if (status != TESSERA_STATUS_OK) {
    return make_error(status == TESSERA_STATUS_UNSUPPORTED ? ErrorCode::kUnsupported : ErrorCode::kInvalidArgument,
                      "{}: kernel {} failed: {}", device_.label(), kernel->name,
                      device_.backend().describe_failure(status));
  }
  if (timed) {
    TESSERA_TRY(synchronize());
    profile.record(kernel->name, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return {};
}

Result<void> Stream::synchronize() {
  const auto& table = device_.backend().table();
  tessera_status status = table.stream_synchronize(table.context, handle_);
  if (status != TESSERA_STATUS_OK) {
    return make_error(ErrorCode::kInternal, "{}: synchronize failed: {}", device_.label(),
                      device_.backend().describe_failure(status));
  }
  return {};
}

Result<void> Stream::copy_to_device(void* device_data, const void* host_data, std::uint64_t size) {
  const auto& table = device_.backend().table();
  tessera_status status = table.copy_to_device(table.context, handle_, device_data, host_data, size);
  if (status != TESSERA_STATUS_OK) {
    return make_error(ErrorCode::kInternal, "{}: copy to device failed: {}", device_.label(),
                      device_.backend().describe_failure(status));
  }
  return {};
}

Result<void> Stream::copy_to_host(void* host_data, const void* device_data, std::uint64_t size) {
  const auto& table = device_.backend().table();
  tessera_status status = table.copy_to_host(table.context, handle_, host_data, device_data, size);
  if (status != TESSERA_STATUS_OK) {
    return make_error(ErrorCode::kInternal, "{}: copy to host failed: {}", device_.label(),
                      device_.backend().describe_failure(status));
  }
  return {};
}

}  // namespace tessera::runtime

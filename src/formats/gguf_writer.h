// GGUF v3 (or v2) writer: metadata of every value type, including nested arrays, and tensors laid
// out at general.alignment. The layout matches the reference Python writer (gguf-py): tensor data
// follows the tensor infos, each tensor starts at an aligned offset and is padded to the alignment.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "formats/gguf_value.h"
#include "tensor/dtype.h"

namespace tessera::gguf {

class Writer {
 public:
  // version is 3 (current) or 2 (same little-endian layout, older version number).
  explicit Writer(std::uint32_t version = 3);

  // Adds a key, or replaces its value in place when the key exists. Refuses values the format
  // cannot hold (an integer outside its type, mixed-type or too deeply nested arrays) and a
  // general.alignment that is not a u32 power of two.
  Result<void> set(std::string key, Value value);
  Result<void> set_string(std::string key, std::string value);
  Result<void> set_uint32(std::string key, std::uint32_t value);
  Result<void> set_int32(std::string key, std::int32_t value);
  Result<void> set_float32(std::string key, float value);
  Result<void> set_bool(std::string key, bool value);

  // Adds a tensor; shape is outermost first. data is copied and must hold exactly the tensor's bytes.
  Result<void> add_tensor(std::string name, DType dtype, std::vector<std::int64_t> shape,
                          std::span<const std::uint8_t> data);

  std::uint32_t version() const { return version_; }
  std::uint64_t alignment() const { return alignment_; }
  const std::vector<KeyValue>& metadata() const { return metadata_; }

  // The whole file as bytes.
  std::vector<std::uint8_t> to_bytes() const;
  // Writes the file; tensor data is streamed rather than copied into one buffer.
  Result<void> write(const std::string& path) const;

 private:
  struct PendingTensor {
    std::string name;
    DType dtype;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> data;
  };

  // Header, metadata and tensor infos, padded to where the data section starts.
  std::vector<std::uint8_t> header_bytes() const;

  std::uint32_t version_;
  std::uint64_t alignment_;
  std::vector<KeyValue> metadata_;
  std::vector<PendingTensor> tensors_;
};

}  // namespace tessera::gguf

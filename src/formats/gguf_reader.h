// GGUF v2/v3 reader. The file is memory-mapped; tensor data is referenced in place. Every count,
// size and offset read from the file is checked before use: a malformed file gives an Error that
// names the field and byte offset, never a crash or an allocation sized by the file. Decoded
// metadata is held to a memory budget (1 GiB), since a one-byte array element becomes a Value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/mapped_file.h"
#include "formats/gguf_value.h"
#include "tensor/dtype.h"

namespace tessera::gguf {

inline constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
inline constexpr std::uint64_t kDefaultAlignment = 32;
inline constexpr int kMaxDims = 4;
// Keys and tensor names longer than this are refused (real names are under 100 bytes).
inline constexpr std::uint64_t kMaxNameLength = 65535;

struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;  // outermost first: GGUF's ne reversed
  std::uint64_t offset = 0;         // from the start of the data section
  std::uint64_t size_bytes = 0;
  const std::uint8_t* data = nullptr;  // into the mapped file

  std::int64_t element_count() const;
};

class File {
 public:
  // Maps and parses a file.
  static Result<File> open(const std::string& path);
  // Parses bytes owned by the caller (kept alive by the caller while the File is used).
  static Result<File> parse(std::span<const std::uint8_t> bytes, std::string display_name);

  std::uint32_t version() const { return version_; }
  std::uint64_t alignment() const { return alignment_; }
  std::uint64_t data_offset() const { return data_offset_; }
  std::uint64_t file_size() const { return bytes_.size(); }
  const std::string& path() const { return display_name_; }

  const std::vector<KeyValue>& metadata() const { return metadata_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }

  const Value* find(std::string_view key) const;
  const TensorInfo* find_tensor(std::string_view name) const;
  // Drops a tensor's pages from the resident set once its bytes were copied elsewhere (no effect on
  // files parsed from caller-owned bytes).
  void drop_tensor_pages(const TensorInfo& tensor) const { mapped_.drop_pages(tensor.data, tensor.size_bytes); }

  // Typed metadata access with errors naming the key. Integer getters accept any integer type
  // whose value fits.
  Result<std::string> get_string(std::string_view key) const;
  Result<std::int64_t> get_int(std::string_view key) const;
  Result<double> get_float(std::string_view key) const;
  Result<bool> get_bool(std::string_view key) const;
  Result<const Value*> get_array(std::string_view key, ValueType element_type) const;

 private:
  MappedFile mapped_;
  std::span<const std::uint8_t> bytes_;
  std::string display_name_;
  std::uint32_t version_ = 0;
  std::uint64_t alignment_ = kDefaultAlignment;
  std::uint64_t data_offset_ = 0;
  std::vector<KeyValue> metadata_;
  std::unordered_map<std::string, std::size_t> metadata_index_;
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, std::size_t> tensor_index_;

  friend class Parser;
};

}  // namespace tessera::gguf

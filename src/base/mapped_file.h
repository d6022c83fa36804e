// A read-only memory map of a whole file. Weights are used in place from the map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/error.h"

namespace tessera {

class MappedFile {
 public:
  static Result<MappedFile> open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const std::uint8_t* data() const { return data_; }
  std::uint64_t size() const { return size_; }
  std::span<const std::uint8_t> bytes() const { return {data_, static_cast<std::size_t>(size_)}; }
  const std::string& path() const { return path_; }
  // Tells the kernel the pages wholly inside [begin, begin + size) are not needed now (a weight that
  // was copied elsewhere): they leave the resident set and are read again from the file if touched.
  void drop_pages(const void* begin, std::uint64_t size) const;

 private:
  void release();
  const std::uint8_t* data_ = nullptr;
  std::uint64_t size_ = 0;
  std::string path_;
};

}  // namespace tessera

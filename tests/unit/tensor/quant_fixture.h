// Reader of the fixture files written by tests/golden/quant/generate_quant_fixtures.py:
// b"TQFX", u32 version 1, u32 record count, then records of (u32 name length, name, u64 byte length, bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tessera::testing {

class QuantFixture {
 public:
  // Reads TESSERA_SOURCE_DIR/tests/golden/quant/<file_name>; throws std::runtime_error if malformed.
  static QuantFixture load(const std::string& file_name) {
    const std::string path = std::string(TESSERA_SOURCE_DIR) + "/tests/golden/quant/" + file_name;
    std::ifstream stream(path, std::ios::binary);
    if (!stream) throw std::runtime_error("cannot open fixture " + path);
    const std::vector<char> contents((std::istreambuf_iterator<char>(stream)),
                                     std::istreambuf_iterator<char>());
    QuantFixture fixture;
    std::size_t offset = 0;
    auto take = [&](void* destination, std::size_t size) {
      if (size > contents.size() - offset) throw std::runtime_error("fixture " + path + " is truncated");
      if (size > 0) std::memcpy(destination, contents.data() + offset, size);
      offset += size;
    };
    char magic[4];
    std::uint32_t version = 0;
    std::uint32_t count = 0;
    take(magic, sizeof magic);
    take(&version, sizeof version);
    take(&count, sizeof count);
    if (std::memcmp(magic, "TQFX", 4) != 0 || version != 1)
      throw std::runtime_error(path + " is not a TQFX v1 file");
    for (std::uint32_t r = 0; r < count; ++r) {
      std::uint32_t name_length = 0;
      take(&name_length, sizeof name_length);
      std::string name(name_length, '\0');
      take(name.data(), name_length);
      std::uint64_t byte_length = 0;
      take(&byte_length, sizeof byte_length);
      if (byte_length > contents.size() - offset)
        throw std::runtime_error("fixture " + path + " is truncated");
      std::vector<std::byte> bytes(static_cast<std::size_t>(byte_length));
      take(bytes.data(), bytes.size());
      fixture.records_[name] = std::move(bytes);
    }
    return fixture;
  }

  bool has(const std::string& name) const { return records_.count(name) != 0; }

  const std::vector<std::byte>& bytes(const std::string& name) const {
    auto found = records_.find(name);
    if (found == records_.end()) throw std::runtime_error("fixture has no record " + name);
    return found->second;
  }

  std::vector<float> floats(const std::string& name) const {
    const auto& raw = bytes(name);
    std::vector<float> values(raw.size() / sizeof(float));
    std::memcpy(values.data(), raw.data(), values.size() * sizeof(float));
    return values;
  }

  double float64(const std::string& name) const {
    const auto& raw = bytes(name);
    if (raw.size() != sizeof(double)) throw std::runtime_error("record " + name + " is not one float64");
    double value = 0;
    std::memcpy(&value, raw.data(), sizeof value);
    return value;
  }

  const std::map<std::string, std::vector<std::byte>>& records() const { return records_; }

 private:
  std::map<std::string, std::vector<std::byte>> records_;
};

}  // namespace tessera::testing

// libFuzzer harness for the GGUF reader: any byte string must parse or give an Error, and a parsed
// file's metadata and tensor data must be safe to walk in full.
#include <cstddef>
#include <cstdint>
#include <span>

#include "formats/gguf_expect.h"
#include "formats/gguf_reader.h"

namespace {

std::uint64_t touch(const tessera::gguf::Value& value) {
  std::uint64_t sum = value.unsigned_value ^ static_cast<std::uint64_t>(value.signed_value) ^ value.string_value.size();
  if (auto number = value.as_double()) sum += static_cast<std::uint64_t>(*number != 0.0);
  for (const auto& element : value.elements) sum += touch(element);
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file = tessera::gguf::File::parse(std::span<const std::uint8_t>(data, size), "fuzz.gguf");
  if (!file.ok()) return 0;
  volatile std::uint64_t sink = 0;
  for (const auto& entry : file->metadata()) {
    sink = sink + touch(entry.value) + entry.key.size();
    (void)entry.value.to_display_string();
    (void)file->find(entry.key);
  }
  for (const auto& tensor : file->tensors()) {
    (void)file->find_tensor(tensor.name);
    (void)tessera::gguf::expect_tensor(*file, tensor.name, {}, tensor.shape);
    sink = sink + static_cast<std::uint64_t>(tensor.element_count());
    // Reads every byte the reader promised is inside the input.
    for (std::uint64_t index = 0; index < tensor.size_bytes; ++index) sink = sink + tensor.data[index];
  }
  (void)file->get_string("general.architecture");
  (void)file->get_int("general.alignment");
  (void)tessera::gguf::expect_array_length(*file, "tokenizer.ggml.tokens", tessera::gguf::ValueType::kString, 0);
  return 0;
}

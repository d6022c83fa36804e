// Helpers shared by the GGUF tests: a small valid file from the writer, byte patching, and a
// record of the largest single allocation made while parsing.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/gguf_reader.h"
#include "formats/gguf_writer.h"

namespace tessera::gguf::testing {

// Deterministic tensor bytes; the same formula as generate_gguf_fixtures.py.
std::vector<std::uint8_t> pattern_bytes(int seed, std::size_t size);

// A small valid v3 file: a few keys of several types, a vocabulary and four tensors
// (token_embd.weight F32 [8, 8], blk.0.attn_q.weight F16 [8, 8], output_norm.weight F32 [8],
// blk.0.ffn_q8.weight Q8_0 [2, 32]).
Writer sample_writer();
std::vector<std::uint8_t> sample_file();

// Offset just past the first occurrence of a GGUF string (u64 length + bytes) equal to `text`:
// where a key's type or a tensor's n_dims starts. Fails the test when absent.
std::size_t offset_after_string(std::span<const std::uint8_t> bytes, std::string_view text);

template <typename T>
void patch(std::vector<std::uint8_t>& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}
template <typename T>
T peek(std::span<const std::uint8_t> bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

Result<File> parse(std::span<const std::uint8_t> bytes);

// Largest single operator-new request made since the last reset (this binary replaces operator new).
void reset_largest_allocation();
std::size_t largest_allocation();

}  // namespace tessera::gguf::testing

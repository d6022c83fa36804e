#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

namespace {

constexpr bool maps_to_itself(int byte) {
  return (byte >= 0x21 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xAC) ||
         (byte >= 0xAE && byte <= 0xFF);
}

// Highest code point of the alphabet: 256 + the 68 bytes that do not map to themselves.
constexpr char32_t kAlphabetEnd = 256 + 68;

struct ByteLevelTables {
  std::array<std::string, 256> byte_to_text;
  std::array<std::int16_t, kAlphabetEnd> code_point_to_byte{};

  ByteLevelTables() {
    code_point_to_byte.fill(-1);
    char32_t next_shifted = 256;
    for (int byte = 0; byte < 256; ++byte) {
      const char32_t code_point = maps_to_itself(byte) ? static_cast<char32_t>(byte) : next_shifted++;
      append_utf8(byte_to_text[static_cast<std::size_t>(byte)], code_point);
      code_point_to_byte[code_point] = static_cast<std::int16_t>(byte);
    }
  }
};

const ByteLevelTables& tables() {
  static const ByteLevelTables instance;
  return instance;
}

}  // namespace

void append_byte_level(std::string_view text, std::string& out) {
  const ByteLevelTables& table = tables();
  for (char character : text) out.append(table.byte_to_text[static_cast<unsigned char>(character)]);
}

std::string to_byte_level(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  append_byte_level(text, out);
  return out;
}

std::optional<std::uint8_t> byte_from_byte_level(char32_t code_point) {
  if (code_point >= kAlphabetEnd) return std::nullopt;
  const std::int16_t byte = tables().code_point_to_byte[code_point];
  if (byte < 0) return std::nullopt;
  return static_cast<std::uint8_t>(byte);
}

std::optional<std::string> from_byte_level(std::string_view token_text) {
  std::string bytes;
  bytes.reserve(token_text.size());
  for (std::size_t offset = 0; offset < token_text.size();) {
    const Utf8Sequence sequence = scan_utf8(token_text, offset);
    if (sequence.status != Utf8Status::kComplete) return std::nullopt;
    const auto byte = byte_from_byte_level(sequence.code_point);
    if (!byte) return std::nullopt;
    bytes.push_back(static_cast<char>(*byte));
    offset += sequence.length;
  }
  return bytes;
}

}  // namespace tessera::tokenizer

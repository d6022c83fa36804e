// GPT-2's byte-level alphabet: every byte is shown as one printable Unicode character so that a
// BPE vocabulary of strings can cover arbitrary bytes. Printable Latin-1 bytes map to themselves;
// the rest (controls, space, 0x7F-0xA0, 0xAD) map to U+0100 onwards in byte order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::tokenizer {

// Appends the byte-level characters of every byte of text.
void append_byte_level(std::string_view text, std::string& out);
std::string to_byte_level(std::string_view text);

// The byte a byte-level character stands for; nullopt for characters outside the alphabet.
std::optional<std::uint8_t> byte_from_byte_level(char32_t code_point);

// Maps a token text back to bytes; nullopt when any character is outside the alphabet
// (added tokens such as "<|im_end|>" written in plain text).
std::optional<std::string> from_byte_level(std::string_view token_text);

}  // namespace tessera::tokenizer

#include "tokenizer/utf8.h"

#include <cstdlib>
#include <memory>

#include <utf8proc.h>

namespace tessera::tokenizer {

Utf8Sequence scan_utf8(std::string_view text, std::size_t offset) {
  const auto byte_at = [&](std::size_t index) { return static_cast<unsigned char>(text[index]); };
  const unsigned char lead = byte_at(offset);
  if (lead < 0x80) return {Utf8Status::kComplete, 1, lead};

  std::size_t needed = 0;
  char32_t code_point = 0;
  // Bounds of the second byte (Unicode Table 3-7) exclude overlongs and surrogates up front.
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    code_point = lead & 0x0F;
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    code_point = lead & 0x07;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
  } else {
    return {Utf8Status::kInvalid, 1, 0};
  }

  for (std::size_t index = 1; index <= needed; ++index) {
    if (offset + index >= text.size()) return {Utf8Status::kIncomplete, index, 0};
    const unsigned char byte = byte_at(offset + index);
    const unsigned char low = index == 1 ? second_low : 0x80;
    const unsigned char high = index == 1 ? second_high : 0xBF;
    if (byte < low || byte > high) return {Utf8Status::kInvalid, index, 0};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  return {Utf8Status::kComplete, needed + 1, code_point};
}

std::size_t utf8_character_length(std::string_view text, std::size_t offset) {
  const Utf8Sequence sequence = scan_utf8(text, offset);
  return sequence.status == Utf8Status::kComplete ? sequence.length : 1;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Sequence sequence = scan_utf8(text, offset);
    if (sequence.status != Utf8Status::kComplete) return false;
    offset += sequence.length;
  }
  return true;
}

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

namespace {

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* pointer) const { std::free(pointer); }
};

void normalize_valid_run(std::string_view run, NormalizationForm form, std::string& out) {
  if (run.empty()) return;
  int options = UTF8PROC_STABLE;
  switch (form) {
    case NormalizationForm::kNfc: options |= UTF8PROC_COMPOSE; break;
    case NormalizationForm::kNfd: options |= UTF8PROC_DECOMPOSE; break;
    case NormalizationForm::kNfkc: options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
    case NormalizationForm::kNfkd: options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
  }
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                   static_cast<utf8proc_ssize_t>(run.size()), &result,
                   static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owner(result);
  if (length < 0 || result == nullptr) {
    out.append(run);  // cannot happen for validated input; keep the text rather than lose it
    return;
  }
  out.append(reinterpret_cast<const char*>(result), static_cast<std::size_t>(length));
}

}  // namespace

std::string normalize_unicode(std::string_view text, NormalizationForm form) {
  std::string out;
  out.reserve(text.size());
  std::size_t run_start = 0;
  std::size_t offset = 0;
  while (offset < text.size()) {
    const Utf8Sequence sequence = scan_utf8(text, offset);
    if (sequence.status == Utf8Status::kComplete) {
      offset += sequence.length;
      continue;
    }
    normalize_valid_run(text.substr(run_start, offset - run_start), form, out);
    out.push_back(text[offset]);
    ++offset;
    run_start = offset;
  }
  normalize_valid_run(text.substr(run_start), form, out);
  return out;
}

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (true) {
    const std::size_t found = text.find(from, position);
    if (found == std::string_view::npos) break;
    out.append(text.substr(position, found - position));
    out.append(to);
    position = found + from.size();
  }
  out.append(text.substr(position));
  return out;
}

}  // namespace tessera::tokenizer

#include "tools/text_file.h"

#include <fstream>

namespace tessera::cli {

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return make_error(ErrorCode::kIo, "{}: cannot open", path);
  std::string contents;
  char chunk[1 << 16];
  while (stream) {
    stream.read(chunk, sizeof chunk);
    contents.append(chunk, static_cast<std::size_t>(stream.gcount()));
    if (contents.size() > max_bytes)
      return make_error(ErrorCode::kOutOfRange, "{}: larger than {} bytes", path, max_bytes);
  }
  // A directory opens but cannot be read: that sets badbit, where a plain end of file sets only eof.
  if (stream.bad() || !stream.eof()) return make_error(ErrorCode::kIo, "{}: cannot read", path);
  return contents;
}

Result<std::string> text_or_file(const std::string& text, const std::string& file) {
  if (file.empty()) return text;
  return read_text_file(file);
}

}  // namespace tessera::cli

// Whole text files named on the command line (prompts, templates, contexts), read with a size bound.
#pragma once

#include <cstddef>
#include <string>

#include "base/error.h"

namespace tessera::cli {

constexpr std::size_t kMaxTextFileBytes = std::size_t{64} << 20;

// The contents of `path` (a file or a pipe); an error naming the path when it cannot be opened or read,
// or when it holds more than max_bytes (so /dev/zero ends with an error, not an exhausted memory).
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes = kMaxTextFileBytes);

// The text of a command that takes it either inline or from a file: the file's contents when `file` is
// not empty, else `text`.
Result<std::string> text_or_file(const std::string& text, const std::string& file);

}  // namespace tessera::cli

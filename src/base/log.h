// Minimal leveled logging to stderr. TESSERA_LOG=debug|info|warn|error sets the threshold.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace tessera {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

LogLevel log_threshold();
void log_message(LogLevel level, std::string_view message);

template <typename... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (level < log_threshold()) return;
  log_message(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace tessera

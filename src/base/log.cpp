#include "base/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace tessera {

LogLevel log_threshold() {
  static const LogLevel threshold = [] {
    const char* setting = std::getenv("TESSERA_LOG");
    if (setting == nullptr) return LogLevel::kWarn;
    if (std::strcmp(setting, "debug") == 0) return LogLevel::kDebug;
    if (std::strcmp(setting, "info") == 0) return LogLevel::kInfo;
    if (std::strcmp(setting, "error") == 0) return LogLevel::kError;
    return LogLevel::kWarn;
  }();
  return threshold;
}

void log_message(LogLevel level, std::string_view message) {
  static std::mutex mutex;
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "tessera %s: %.*s\n", kNames[static_cast<int>(level)], static_cast<int>(message.size()),
               message.data());
}

}  // namespace tessera

#include "runtime/kernel_profile.h"

#include <algorithm>

namespace tessera::runtime {

KernelProfile& KernelProfile::global() {
  static KernelProfile profile;
  return profile;
}

void KernelProfile::start() {
  std::lock_guard lock(mutex_);
  times_.clear();
  recording_.store(true, std::memory_order_relaxed);
}

std::vector<KernelTime> KernelProfile::stop() {
  recording_.store(false, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  std::vector<KernelTime> times;
  for (const auto& [name, time] : times_) times.push_back(time);
  std::sort(times.begin(), times.end(),
            [](const KernelTime& a, const KernelTime& b) { return a.seconds > b.seconds; });
  return times;
}

void KernelProfile::record(const char* kernel, double seconds) {
  std::lock_guard lock(mutex_);
  KernelTime& time = times_[kernel];
  if (time.kernel.empty()) time.kernel = kernel;
  ++time.calls;
  time.seconds += seconds;
}

}  // namespace tessera::runtime

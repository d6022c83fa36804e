// Time per kernel, for `tessera bench --profile`. While a profile records, Stream::run synchronizes the
// stream after every kernel so that each kernel's time is its own (on an accelerator that adds a wait per
// kernel; on the CPU, kernels already finish before run returns).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tessera::runtime {

struct KernelTime {
  std::string kernel;  // the backend's kernel name, e.g. "matmul_q4_0_f32_rows16"
  std::int64_t calls = 0;
  double seconds = 0.0;
};

class KernelProfile {
 public:
  static KernelProfile& global();

  void start();                    // forgets earlier times and begins recording
  std::vector<KernelTime> stop();  // ends recording; most time first
  bool recording() const { return recording_.load(std::memory_order_relaxed); }
  void record(const char* kernel, double seconds);

 private:
  std::atomic<bool> recording_{false};
  std::mutex mutex_;
  std::map<std::string, KernelTime> times_;
};

}  // namespace tessera::runtime

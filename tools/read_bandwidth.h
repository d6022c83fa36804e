// The read bandwidth a decode step can hope for, measured on the machine itself: `tessera bench` reports
// decode as a fraction of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/thread_pool.h"

namespace tessera::cli {

// A buffer much larger than the caches, in transparent huge pages as the CPU backend's packed weights
// are (in 4 KiB pages the TLB walks alone cost the Xeon here about 15% of its bandwidth), summed by
// `threads` threads. Allocated and written once, so that a probe can follow each decode run: on a shared
// host the bandwidth drifts within seconds, and only a probe taken beside the run it judges is fair.
class ReadBandwidthProbe {
 public:
  explicit ReadBandwidthProbe(int threads);

  // GB/s, the best of `passes` passes over the whole buffer (0 when the buffer could not be had). Passes
  // take turns: plain, asking for the lines 4 KiB ahead into L1, and into L2 as the decode kernels do.
  // On the Xeon here the L1 prefetch reads about 45% more than the hardware prefetchers alone and the
  // L2 one 3-5% more again; the probe should measure the most a reader can get, on any CPU.
  double measure(int passes);

 private:
  static constexpr std::size_t kBytes = std::size_t{512} << 20;
  std::unique_ptr<void, void (*)(void*)> memory_;
  ThreadPool pool_;
};

}  // namespace tessera::cli

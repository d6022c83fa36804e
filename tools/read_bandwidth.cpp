#include "tools/read_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "base/huge_pages.h"

namespace tessera::cli {

ReadBandwidthProbe::ReadBandwidthProbe(int threads)
    : memory_(allocate_huge_pages(kBytes), &std::free), pool_(threads) {
  if (!memory_) return;
  auto* data = static_cast<std::uint64_t*>(memory_.get());
  const auto count = static_cast<std::int64_t>(kBytes / sizeof(std::uint64_t));
  // Written by the threads that read it, so that its pages lie where they run.
  pool_.run([&](int thread, int n_threads) {
    const auto range = split_range(count, thread, n_threads);
    for (std::int64_t index = range.begin; index < range.end; ++index)
      data[index] = static_cast<std::uint64_t>(index);
  });
}

double ReadBandwidthProbe::measure(int passes) {
  if (!memory_) return 0.0;
  const auto* data = static_cast<const std::uint64_t*>(memory_.get());
  const auto count = static_cast<std::int64_t>(kBytes / sizeof(std::uint64_t));
  constexpr std::int64_t kAhead = 4096 / sizeof(std::uint64_t);
  constexpr int kLocalities[3] = {-1, 3, 2};  // per pass, cycling: no prefetch, into L1, into L2
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(pool_.size()) * 8);  // a cache line per thread
  double best = 0;
  for (int pass = 0; pass < passes; ++pass) {
    const int locality = kLocalities[pass % 3];
    const auto start = std::chrono::steady_clock::now();
    pool_.run([&](int thread, int n_threads) {
      const auto range = split_range(count, thread, n_threads);
      std::uint64_t lanes[8] = {};
      std::int64_t index = range.begin;
      for (; index + 8 <= range.end; index += 8) {
        if (locality >= 0 && index + kAhead < range.end) {
          // __builtin_prefetch takes its locality as a constant: 3 asks for L1, 2 for L2.
          if (locality == 3) __builtin_prefetch(data + index + kAhead, 0, 3);
          if (locality == 2) __builtin_prefetch(data + index + kAhead, 0, 2);
        }
        for (int lane = 0; lane < 8; ++lane) lanes[lane] += data[index + lane];
      }
      for (; index < range.end; ++index) lanes[0] += data[index];
      std::uint64_t total = 0;
      for (auto lane : lanes) total += lane;
      sums[static_cast<std::size_t>(thread) * 8] = total;
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, static_cast<double>(kBytes) / seconds / 1e9);
  }
  if (sums[0] == 42) std::fprintf(stderr, " ");  // keeps the sums observable
  return best;
}

}  // namespace tessera::cli

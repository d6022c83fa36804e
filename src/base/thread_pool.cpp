#include "base/thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TESSERA_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define TESSERA_CPU_RELAX() asm volatile("yield")
#else
#define TESSERA_CPU_RELAX() ((void)0)
#endif

namespace tessera {

namespace {
// How long an idle worker spins before it sleeps.
constexpr auto kSpinDuration = std::chrono::microseconds(300);
// The claim word: region number in the high bits, count of unclaimed items in the low kIndexBits
// bits. 40 bits of region number last for years of back-to-back regions.
constexpr int kIndexBits = 24;
constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kIndexBits) - 1;
constexpr std::int64_t kMaxItems = static_cast<std::int64_t>(kIndexMask);

std::uint64_t region_of(std::uint64_t word) { return word >> kIndexBits; }
std::int64_t unclaimed_of(std::uint64_t word) { return static_cast<std::int64_t>(word & kIndexMask); }
}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(n_threads < 1 ? 1 : n_threads) {
  workers_.reserve(static_cast<std::size_t>(n_threads_ - 1));
  for (int index = 1; index < n_threads_; ++index) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  stopping_.store(true, std::memory_order_relaxed);
  count_.store(0, std::memory_order_relaxed);
  claim_.store(++tag_ << kIndexBits, std::memory_order_release);
  claim_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::for_each(std::int64_t count, const std::function<void(std::int64_t)>& body) {
  if (count <= 0) return;
  if (n_threads_ == 1 || count == 1) {
    for (std::int64_t item = 0; item < count; ++item) body(item);
    return;
  }
  if (count <= kMaxItems) {
    run_region(count, body);
    return;
  }
  for (std::int64_t first = 0; first < count; first += kMaxItems) {
    const Body offset_body = [&body, first](std::int64_t item) { body(first + item); };
    run_region(std::min(kMaxItems, count - first), offset_body);
  }
}

void ThreadPool::run(const std::function<void(int, int)>& body) {
  for_each(n_threads_, [&](std::int64_t part) { body(static_cast<int>(part), n_threads_); });
}

void ThreadPool::run_region(std::int64_t count, const Body& body) {
  // Every item of the previous region has finished, so no thread reads these until the claim word
  // below announces the new region.
  body_.store(&body, std::memory_order_relaxed);
  count_.store(count, std::memory_order_relaxed);
  finished_.store(0, std::memory_order_relaxed);
  const std::uint64_t word = ++tag_ << kIndexBits | static_cast<std::uint64_t>(count);
  claim_.store(word, std::memory_order_release);
  claim_.notify_all();
  work_on(word);
  // What is left runs on threads that claimed an item; spin briefly, then yield: on a machine with
  // more runnable threads than cores such a thread may need this core to finish.
  for (int spins = 0; finished_.load(std::memory_order_acquire) != count; ++spins) {
    if (spins < 2000) {
      TESSERA_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::work_on(std::uint64_t word) {
  // A worker may read these after the region of `word` has ended and the next has begun, but then
  // every claim below fails: the claim word never holds the same value twice (its region number
  // grows, and within a region its unclaimed count only falls). A claim that succeeds found an
  // unclaimed item, so the region cannot end, nor these be overwritten, before that item finishes.
  // Whether an item is left is read from the word alone, never from count, which may be newer.
  const Body* body = body_.load(std::memory_order_relaxed);
  const std::int64_t count = count_.load(std::memory_order_relaxed);
  const std::uint64_t region = region_of(word);
  while (region_of(word) == region && unclaimed_of(word) > 0) {
    if (claim_.compare_exchange_weak(word, word - 1, std::memory_order_acquire, std::memory_order_acquire)) {
      (*body)(count - unclaimed_of(word));
      finished_.fetch_add(1, std::memory_order_release);
      --word;
    }
  }
}

void ThreadPool::worker_loop() {
  // Regions are numbered from 1, so a region started before this thread first looks is not missed.
  std::uint64_t seen = 0;
  while (true) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpinDuration;
    std::uint64_t word = claim_.load(std::memory_order_acquire);
    for (int checks = 1; region_of(word) == seen; ++checks) {
      TESSERA_CPU_RELAX();
      if (checks % 64 == 0) {
        // Yielding lets a thread that holds an unfinished item run where cores are oversubscribed.
        std::this_thread::yield();
        if (std::chrono::steady_clock::now() > spin_until) claim_.wait(word, std::memory_order_acquire);
      }
      word = claim_.load(std::memory_order_acquire);
    }
    if (stopping_.load(std::memory_order_relaxed)) return;
    seen = region_of(word);
    work_on(word);
  }
}

}  // namespace tessera

// A fork-join thread pool for many short parallel regions (one per op in a decode step).
//
// A region is a count of independent work items. The caller and the workers claim items one at a time
// from a shared counter, so whichever threads are running finish the region: a worker that has been
// descheduled delays no one, and one that wakes after every item is claimed finds nothing to do. Idle
// workers spin briefly before sleeping so that back-to-back regions start without a syscall.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace tessera {

class ThreadPool {
 public:
  // n_threads counts the calling thread: ThreadPool(1) runs everything inline.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // Calls body(item) once for every item in [0, count) and returns when every call has returned. Items
  // are claimed in increasing order by the threads that are running, the caller included, which may
  // run all of them. body must not throw and must not start a region on this pool.
  void for_each(std::int64_t count, const std::function<void(std::int64_t)>& body);

  // Calls body(part, size()) once for every part in [0, size()), the parts claimed as for_each claims
  // items: a part is not tied to a thread, but calls for one part never overlap, so per-part scratch
  // memory is safe.
  void run(const std::function<void(int, int)>& body);

  // Regions started so far (for measurements).
  std::uint64_t regions() const { return tag_; }

 private:
  using Body = std::function<void(std::int64_t)>;

  // Starts a region of count <= kMaxItems items, takes part in it and waits for its end.
  void run_region(std::int64_t count, const Body& body);
  // Claims and runs items of the region whose claim word was read as `word` until none is left.
  void work_on(std::uint64_t word);
  void worker_loop();

  int n_threads_;
  std::vector<std::thread> workers_;
  // Regions are numbered from 1. The claim word holds the current region's number above its count of
  // unclaimed items (item count - unclaimed is the next to claim); the number makes a claim by a
  // worker that read an earlier region fail.
  std::uint64_t tag_ = 0;
  alignas(64) std::atomic<std::uint64_t> claim_{0};
  alignas(64) std::atomic<std::int64_t> finished_{0};
  alignas(64) std::atomic<const Body*> body_{nullptr};
  std::atomic<std::int64_t> count_{0};
  std::atomic<bool> stopping_{false};
};

// Splits [0, count) into n_parts nearly equal contiguous ranges; returns part `index`.
struct Range {
  std::int64_t begin;
  std::int64_t end;
};
inline Range split_range(std::int64_t count, std::int64_t index, std::int64_t n_parts) {
  std::int64_t base = count / n_parts;
  std::int64_t extra = count % n_parts;
  std::int64_t begin = index * base + (index < extra ? index : extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

}  // namespace tessera

// A fork-join thread pool tuned for many short parallel regions (one per op in a decode step):
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

  // Calls body(thread_index, n_threads) once on every thread, the caller being thread 0, and
  // returns when all calls have returned. Not reentrant: body must not call run().
  void run(const std::function<void(int, int)>& body);

 private:
  void worker_loop(int thread_index);

  int n_threads_;
  std::vector<std::thread> workers_;
  const std::function<void(int, int)>* job_ = nullptr;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stopping_{false};
};

// Splits [0, count) into n_parts nearly equal contiguous ranges; returns part `index`.
struct Range {
  std::int64_t begin;
  std::int64_t end;
};
inline Range split_range(std::int64_t count, int index, int n_parts) {
  std::int64_t base = count / n_parts;
  std::int64_t extra = count % n_parts;
  std::int64_t begin = index * base + (index < extra ? index : extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

}  // namespace tessera

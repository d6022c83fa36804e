#include "base/thread_pool.h"

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
// How long an idle worker spins before it sleeps on the futex.
constexpr auto kSpinDuration = std::chrono::microseconds(300);
}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(n_threads < 1 ? 1 : n_threads) {
  workers_.reserve(static_cast<std::size_t>(n_threads_ - 1));
  for (int index = 1; index < n_threads_; ++index) workers_.emplace_back([this, index] { worker_loop(index); });
}

ThreadPool::~ThreadPool() {
  stopping_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::run(const std::function<void(int, int)>& body) {
  if (n_threads_ == 1) {
    body(0, 1);
    return;
  }
  job_ = &body;
  pending_.store(n_threads_ - 1, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  body(0, n_threads_);
  // Spin briefly, then yield: on a machine with more runnable threads than cores a worker may need
  // this core to finish its share.
  for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < 2000) {
      TESSERA_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::worker_loop(int thread_index) {
  // Workers are created while generation_ is 0; reading it here instead would miss a run() that
  // starts before this thread does, and that run() would wait forever.
  std::uint64_t seen = 0;
  while (true) {
    auto spin_until = std::chrono::steady_clock::now() + kSpinDuration;
    std::uint64_t current = generation_.load(std::memory_order_acquire);
    int checks = 0;
    while (current == seen) {
      TESSERA_CPU_RELAX();
      if (++checks % 64 == 0) std::this_thread::yield();
      if (checks % 64 == 0 && std::chrono::steady_clock::now() > spin_until) {
        generation_.wait(seen, std::memory_order_acquire);
      }
      current = generation_.load(std::memory_order_acquire);
    }
    seen = current;
    if (stopping_.load(std::memory_order_acquire)) return;
    (*job_)(thread_index, n_threads_);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace tessera

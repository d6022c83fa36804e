// Cost of the CPU backend's parallel regions: an empty region (what every op of a decode step pays
// on top of its work), and a region of fixed work split into chunks (what dynamic claiming costs).
//   thread_pool_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdint>

#include "base/thread_pool.h"

namespace {

using tessera::ThreadPool;

// Busy work of about `units` x 1 ns that the compiler cannot remove.
void spin_work(std::int64_t units) {
  volatile std::int64_t sink = 0;
  for (std::int64_t unit = 0; unit < units; ++unit) sink = sink + unit;
}

// Threads from state.range(0); one region per iteration, one item per thread, no work.
void empty_region(benchmark::State& state) {
  ThreadPool pool(static_cast<int>(state.range(0)));
  for (auto _ : state) pool.for_each(pool.size(), [](std::int64_t) {});
}

// One region of state.range(1) chunks that together hold a fixed amount of work (about 20 us on one
// thread): compare with the same work inline to see what splitting and claiming cost.
void chunked_region(benchmark::State& state) {
  ThreadPool pool(static_cast<int>(state.range(0)));
  const std::int64_t chunks = state.range(1);
  constexpr std::int64_t kTotalUnits = 16000;
  for (auto _ : state) {
    pool.for_each(chunks, [&](std::int64_t chunk) {
      const tessera::Range range = tessera::split_range(kTotalUnits, chunk, chunks);
      spin_work(range.end - range.begin);
    });
  }
}

void inline_work(benchmark::State& state) {
  for (auto _ : state) spin_work(16000);
}

}  // namespace

BENCHMARK(empty_region)->Arg(1)->Arg(2)->Arg(4)->UseRealTime();
BENCHMARK(chunked_region)->Args({1, 8})->Args({2, 2})->Args({2, 8})->Args({2, 32})->Args({4, 16})->UseRealTime();
BENCHMARK(inline_work)->UseRealTime();
BENCHMARK_MAIN();

// ThreadPool: every item of every region runs exactly once, the region has ended when for_each
// returns, and this holds with uneven items, more threads than cores and pools torn down at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#include "base/thread_pool.h"

namespace tessera {
namespace {

// Runs `regions` regions of varying size and checks after each that every item ran exactly once and
// only while its own region was running.
void expect_exact_coverage(ThreadPool& pool, int regions, std::int64_t max_count, bool uneven) {
  std::vector<std::atomic<int>> hits(static_cast<std::size_t>(max_count));
  std::atomic<int> running_region{-1};
  std::atomic<int> strays{0};
  std::uint64_t seed = 7;
  for (int region = 0; region < regions; ++region) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const std::int64_t count = static_cast<std::int64_t>((seed >> 33) % static_cast<std::uint64_t>(max_count + 1));
    for (std::int64_t item = 0; item < count; ++item) hits[static_cast<std::size_t>(item)].store(0);
    running_region.store(region);
    pool.for_each(count, [&, region](std::int64_t item) {
      if (running_region.load() != region) strays.fetch_add(1);
      if (uneven && item % 7 == 0) {
        // A few items take far longer than the rest.
        volatile double sink = 0;
        for (int step = 0; step < 20000; ++step) sink = sink + step * 0.5;
      }
      hits[static_cast<std::size_t>(item)].fetch_add(1);
    });
    running_region.store(-1);
    for (std::int64_t item = 0; item < count; ++item) {
      ASSERT_EQ(hits[static_cast<std::size_t>(item)].load(), 1) << "region " << region << " item " << item;
    }
  }
  EXPECT_EQ(strays.load(), 0);
}

TEST(ThreadPool, SingleThreadRunsInline) {
  ThreadPool pool(1);
  std::vector<std::int64_t> order;
  pool.for_each(5, [&](std::int64_t item) { order.push_back(item); });
  EXPECT_EQ(order, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(pool.size(), 1);
}

TEST(ThreadPool, ManySmallRegionsCoverEveryItemOnce) {
  ThreadPool pool(4);
  expect_exact_coverage(pool, 5000, 64, false);
}

TEST(ThreadPool, UnevenItemsCoverEveryItemOnce) {
  ThreadPool pool(3);
  expect_exact_coverage(pool, 300, 200, true);
}

TEST(ThreadPool, EmptyAndSingleItemRegions) {
  ThreadPool pool(2);
  int calls = 0;
  pool.for_each(0, [&](std::int64_t) { ++calls; });
  pool.for_each(-3, [&](std::int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  pool.for_each(1, [&](std::int64_t item) { calls += static_cast<int>(item) + 1; });
  EXPECT_EQ(calls, 1);
}

TEST(ThreadPool, RunCallsEveryPartOnceWithoutOverlap) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> inside(4), calls(4);
  std::atomic<int> overlaps{0}, wrong_size{0};
  for (int region = 0; region < 2000; ++region) {
    pool.run([&](int part, int n_parts) {
      if (n_parts != 4) wrong_size.fetch_add(1);
      if (inside[static_cast<std::size_t>(part)].exchange(1) != 0) overlaps.fetch_add(1);
      calls[static_cast<std::size_t>(part)].fetch_add(1);
      inside[static_cast<std::size_t>(part)].store(0);
    });
  }
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(wrong_size.load(), 0);
  for (auto& count : calls) EXPECT_EQ(count.load(), 2000);
}

// Workers that sleep through many regions must neither miss the later ones nor run an ended one.
TEST(ThreadPool, OversubscribedEightThreadsOnTwoCores) {
#if defined(__linux__)
  cpu_set_t original;
  ASSERT_EQ(sched_getaffinity(0, sizeof(original), &original), 0);
  cpu_set_t two;
  CPU_ZERO(&two);
  int taken = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && taken < 2; ++cpu) {
    if (CPU_ISSET(cpu, &original)) {
      CPU_SET(cpu, &two);
      ++taken;
    }
  }
  // Threads inherit the creating thread's affinity: the pool's workers share these cores.
  ASSERT_EQ(sched_setaffinity(0, sizeof(two), &two), 0);
#endif
  {
    ThreadPool pool(8);
    expect_exact_coverage(pool, 3000, 40, false);
    expect_exact_coverage(pool, 100, 100, true);
  }
#if defined(__linux__)
  sched_setaffinity(0, sizeof(original), &original);
#endif
}

// A region whose items take long enough that workers are sleeping when the next region begins.
TEST(ThreadPool, RegionsAfterWorkersSleep) {
  ThreadPool pool(3);
  std::atomic<std::int64_t> sum{0};
  for (int region = 0; region < 5; ++region) {
    pool.for_each(100, [&](std::int64_t item) { sum.fetch_add(item); });
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(sum.load(), 5 * 4950);
}

TEST(ThreadPool, ImmediateTeardown) {
  for (int round = 0; round < 200; ++round) {
    ThreadPool pool(4);
    if (round % 2 == 0) {
      std::atomic<int> calls{0};
      pool.for_each(3, [&](std::int64_t) { calls.fetch_add(1); });
      ASSERT_EQ(calls.load(), 3);
    }
  }
}

TEST(ThreadPool, CountsRegions) {
  ThreadPool pool(2);
  const std::uint64_t before = pool.regions();
  for (int region = 0; region < 10; ++region) pool.for_each(4, [](std::int64_t) {});
  EXPECT_EQ(pool.regions() - before, 10u);
}

// More items than the claim word can index run as several regions.
TEST(ThreadPool, CountBeyondOneRegion) {
  ThreadPool pool(2);
  const std::int64_t count = (std::int64_t{1} << 24) + 3;
  std::vector<std::uint8_t> hits(static_cast<std::size_t>(count));
  pool.for_each(count, [&](std::int64_t item) { hits[static_cast<std::size_t>(item)] += 1; });
  std::int64_t wrong = 0;
  for (std::uint8_t hit : hits) wrong += hit != 1;
  EXPECT_EQ(wrong, 0);
}

TEST(ThreadPool, SplitRangeCoversContiguously) {
  for (std::int64_t count : {0, 1, 7, 64, 1001}) {
    for (std::int64_t parts : {1, 2, 3, 8, 13}) {
      std::int64_t next = 0;
      for (std::int64_t part = 0; part < parts; ++part) {
        Range range = split_range(count, part, parts);
        EXPECT_EQ(range.begin, next);
        EXPECT_GE(range.end - range.begin, count / parts);
        EXPECT_LE(range.end - range.begin, count / parts + 1);
        next = range.end;
      }
      EXPECT_EQ(next, count);
    }
  }
}

}  // namespace
}  // namespace tessera

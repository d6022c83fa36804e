// Paged KV cache bookkeeping: reserving grows a sequence's block table from the free list, and
// truncating keeps exactly the blocks that hold the kept positions, returning the rest.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "engine/kv_cache.h"
#include "runtime/registry.h"

namespace tessera::engine {
namespace {

KvCache make_cache(int n_blocks, int block_size) {
  auto device = runtime::Registry::global().device("cpu");
  EXPECT_TRUE(device.ok()) << device.error().to_string();
  KvCacheShape shape;
  shape.n_layers = 2;
  shape.n_kv_heads = 1;
  shape.head_dim = 4;
  shape.block_size = block_size;
  shape.n_blocks = n_blocks;
  auto cache = KvCache::create(*device, shape);
  EXPECT_TRUE(cache.ok()) << cache.error().to_string();
  return std::move(*cache);
}

TEST(KvCacheTruncate, KeepsThePartialBlockAndFreesWholeBlocksAfterIt) {
  KvCache cache = make_cache(8, 4);
  ASSERT_TRUE(cache.reserve(0, 14).ok());  // 4 blocks: positions 0-3, 4-7, 8-11, 12-15
  EXPECT_EQ(cache.free_blocks(), 4);
  const std::vector<std::int32_t> before = cache.block_table(0);
  ASSERT_EQ(before.size(), 4u);

  cache.truncate(0, 6);  // positions 0-5 live in the first two blocks
  EXPECT_EQ(cache.free_blocks(), 6);
  EXPECT_EQ(cache.reserved_positions(0), 8);
  EXPECT_EQ(cache.block_table(0), std::vector<std::int32_t>(before.begin(), before.begin() + 2));
  // Kept positions still map to the same physical rows.
  for (std::int32_t position = 0; position < 6; ++position) {
    EXPECT_EQ(cache.slot(0, position), before[static_cast<std::size_t>(position / 4)] * 4 + position % 4);
  }

  cache.truncate(0, 8);  // exactly two blocks: nothing to free
  EXPECT_EQ(cache.free_blocks(), 6);
  cache.truncate(0, 100);  // longer than the sequence: nothing changes
  EXPECT_EQ(cache.block_table(0).size(), 2u);
}

TEST(KvCacheTruncate, ToZeroFreesEverythingButKeepsTheSequence) {
  KvCache cache = make_cache(4, 16);
  ASSERT_TRUE(cache.reserve(3, 40).ok());
  cache.truncate(3, 0);
  EXPECT_EQ(cache.free_blocks(), 4);
  EXPECT_TRUE(cache.has_sequence(3));
  EXPECT_EQ(cache.reserved_positions(3), 0);
  ASSERT_TRUE(cache.reserve(3, 64).ok());  // the whole cache again
  EXPECT_EQ(cache.free_blocks(), 0);
  cache.truncate(7, 1);  // an unknown sequence is left alone
  EXPECT_FALSE(cache.has_sequence(7));
}

TEST(KvCacheTruncate, FreedBlocksGoToOtherSequencesWithoutOverlap) {
  KvCache cache = make_cache(6, 8);
  ASSERT_TRUE(cache.reserve(0, 48).ok());
  EXPECT_FALSE(cache.reserve(1, 1).ok());  // full
  cache.truncate(0, 17);                   // three blocks stay (positions 0-23)
  ASSERT_TRUE(cache.reserve(1, 24).ok());  // the three freed
  EXPECT_FALSE(cache.reserve(1, 25).ok());
  std::set<std::int32_t> used;
  for (SequenceId sequence : {0, 1}) {
    for (auto block : cache.block_table(sequence)) EXPECT_TRUE(used.insert(block).second) << "block " << block << " twice";
  }
  EXPECT_EQ(used.size(), 6u);
  // Growing again after a truncation appends new blocks behind the kept ones.
  cache.release(1);
  const std::vector<std::int32_t> kept = cache.block_table(0);
  ASSERT_TRUE(cache.reserve(0, 40).ok());
  EXPECT_TRUE(std::equal(kept.begin(), kept.end(), cache.block_table(0).begin()));
  EXPECT_EQ(cache.block_table(0).size(), 5u);
}

}  // namespace
}  // namespace tessera::engine

// Windowing and scoring of `tessera perplexity`: every text token lands in exactly one window, BOS
// starts each window only when given, and the log-softmax is exact on hand-computed cases.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "engine/perplexity.h"

namespace tessera::engine {
namespace {

using Windows = std::vector<std::vector<std::int32_t>>;

TEST(SplitWindows, WithoutBosCutsConsecutivePiecesOfContextTokens) {
  std::vector<std::int32_t> tokens = {10, 11, 12, 13, 14, 15, 16};
  // A trailing {16} would score nothing.
  EXPECT_EQ(split_windows(tokens, 3, std::nullopt), (Windows{{10, 11, 12}, {13, 14, 15}}));
  EXPECT_EQ(split_windows(tokens, 4, std::nullopt), (Windows{{10, 11, 12, 13}, {14, 15, 16}}));
}

TEST(SplitWindows, WithBosStartsEachWindowWithItAndScoresEveryTextToken) {
  std::vector<std::int32_t> tokens = {10, 11, 12, 13, 14};
  EXPECT_EQ(split_windows(tokens, 3, 1), (Windows{{1, 10, 11}, {1, 12, 13}, {1, 14}}));
  EXPECT_EQ(split_windows(tokens, 2, 1), (Windows{{1, 10}, {1, 11}, {1, 12}, {1, 13}, {1, 14}}));
}

TEST(SplitWindows, TooFewTokensGiveNoWindow) {
  std::vector<std::int32_t> one = {10};
  EXPECT_TRUE(split_windows(one, 512, std::nullopt).empty());
  EXPECT_TRUE(split_windows({}, 512, 1).empty());
}

TEST(LogSoftmax, MatchesHandComputedProbabilities) {
  // softmax(0, ln 3) = (1/4, 3/4).
  std::vector<float> two = {0.0f, static_cast<float>(std::log(3.0))};
  EXPECT_NEAR(log_softmax_at(two, 1), std::log(0.75), 1e-7);
  EXPECT_NEAR(log_softmax_at(two, 0), std::log(0.25), 1e-7);
  // Equal logits: uniform, whatever the offset; a large offset must not overflow.
  std::vector<float> uniform(1000, 1000.0f);
  EXPECT_NEAR(log_softmax_at(uniform, 7), -std::log(1000.0), 1e-12);
}

}  // namespace
}  // namespace tessera::engine

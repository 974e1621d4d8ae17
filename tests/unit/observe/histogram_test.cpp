#include "observe/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace sluice::observe {
namespace {

TEST(Histogram, CountsAreCumulativePerBound) {
  Histogram h({0.1, 1, 10});
  h.observe_seconds(0.05);
  h.observe_seconds(0.1);  // on a bound: counted in that bucket (le means ≤)
  h.observe_seconds(0.5);
  h.observe_seconds(20);
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 3, 3}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_NEAR(s.sum_seconds, 20.65, 1e-6);
}

TEST(Histogram, RepeatedObservationsCountOncePerTime) {
  Histogram h({1, 2});
  h.observe_seconds(1.5, 1000);
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{0, 1000}));
  EXPECT_EQ(s.count, 1000u);
  EXPECT_NEAR(s.sum_seconds, 1500, 1e-6);
}

TEST(Histogram, NegativeAndNanCountAsZero) {
  Histogram h({0.001});
  h.observe_seconds(-5);
  h.observe_seconds(std::nan(""));
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.sum_seconds, 0);
}

TEST(Histogram, QuantileInterpolatesInsideTheBucketLikePrometheus) {
  Histogram h({1, 2, 4});
  for (int i = 0; i < 50; ++i) h.observe_seconds(0.5);
  for (int i = 0; i < 50; ++i) h.observe_seconds(3);
  const auto s = h.snapshot();
  EXPECT_DOUBLE_EQ(Histogram::quantile(s, 0.5),
                   1.0);  // the 50th of 100 is the last of the first bucket
  EXPECT_DOUBLE_EQ(Histogram::quantile(s, 0.75), 3.0);  // half way through (2, 4]
  EXPECT_DOUBLE_EQ(Histogram::quantile(s, 0.25), 0.5);
  EXPECT_EQ(Histogram::quantile(Histogram({1}).snapshot(), 0.99), 0);
}

TEST(Histogram, QuantileInTheInfiniteBucketIsTheLargestBound) {
  Histogram h({1, 2});
  h.observe_seconds(100);
  EXPECT_DOUBLE_EQ(Histogram::quantile(h.snapshot(), 0.99), 2.0);
}

TEST(Histogram, ConcurrentObserversLoseNothing) {
  Histogram h(Histogram::latency_buckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) h.observe_us(i % 2000);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.snapshot().count, 400000u);
}

}  // namespace
}  // namespace sluice::observe

#include "runtime/delivery_latency.h"

#include <gtest/gtest.h>

namespace sluice::runtime {
namespace {

uint64_t count_of(const DeliveryLatency& d) {
  return d.snapshot().at(0).second.count;
}

TEST(DeliveryLatency, ACommitObservesEveryEventBelowItOnce) {
  DeliveryLatency d;
  d.add_topic("api");
  d.appended("api", 0, 0, 9, 1'000'000);
  d.appended("api", 0, 10, 19, 2'000'000);
  d.committed("api", 0, 20, 3'000'000);
  const auto s = d.snapshot().at(0).second;
  EXPECT_EQ(s.count, 20u);
  EXPECT_NEAR(s.sum_seconds, 10 * 2.0 + 10 * 1.0, 1e-6);
  d.committed("api", 0, 20, 4'000'000);  // the same commit again observes nothing
  EXPECT_EQ(count_of(d), 20u);
  EXPECT_EQ(d.pending(), 0u);
}

TEST(DeliveryLatency, APartialCommitLeavesTheRestOfAnAppend) {
  DeliveryLatency d;
  d.add_topic("api");
  d.appended("api", 0, 0, 99, 0);
  d.committed("api", 0, 40, 1'000'000);
  EXPECT_EQ(count_of(d), 40u);
  d.committed("api", 0, 100, 2'000'000);
  EXPECT_EQ(count_of(d), 100u);
  EXPECT_NEAR(d.snapshot().at(0).second.sum_seconds, 40 * 1.0 + 60 * 2.0, 1e-6);
}

TEST(DeliveryLatency, PartitionsAndUnknownTopicsAreSeparate) {
  DeliveryLatency d;
  d.add_topic("api");
  d.appended("api", 1, 0, 4, 0);
  d.appended("other", 0, 0, 4, 0);  // not registered: ignored
  d.committed("api", 0, 5, 1'000'000);
  EXPECT_EQ(count_of(d), 0u);
  d.committed("api", 1, 5, 1'000'000);
  EXPECT_EQ(count_of(d), 5u);
  EXPECT_EQ(d.snapshot().size(), 1u);
}

TEST(DeliveryLatency, OutOfOrderAppendsAreSortedByOffset) {
  DeliveryLatency d;
  d.add_topic("api");
  d.appended("api", 0, 10, 19, 0);
  d.appended("api", 0, 0, 9, 0);
  d.committed("api", 0, 10, 1'000'000);
  EXPECT_EQ(count_of(d), 10u);
  EXPECT_EQ(d.pending(), 1u);
}

TEST(DeliveryLatency, MemoryIsBoundedWhenNothingIsCommitted) {
  DeliveryLatency d;
  d.add_topic("api");
  for (int64_t i = 0; i < int64_t(DeliveryLatency::kMaxPending) + 100; ++i)
    d.appended("api", 0, i, i, 0);
  EXPECT_EQ(d.pending(), DeliveryLatency::kMaxPending);
}

}  // namespace
}  // namespace sluice::runtime

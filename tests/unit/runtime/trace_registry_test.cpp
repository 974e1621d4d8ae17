// The registry that carries traces across the log: overlap lookups and its bound.
#include "runtime/trace_registry.h"

#include <gtest/gtest.h>

namespace sluice::runtime {
namespace {

TraceContext context(uint8_t tag) {
  TraceContext c;
  c.trace_id[0] = tag;
  c.span_id[0] = tag;
  c.sampled = true;
  return c;
}

TEST(TraceRegistry, FindsEveryRangeABatchOverlaps) {
  TraceRegistry r;
  r.add("api", 0, 0, 9, context(1));
  r.add("api", 0, 10, 19, context(2));
  r.add("api", 1, 0, 9, context(3));
  r.add("other", 0, 0, 9, context(4));
  EXPECT_EQ(r.find("api", 0, 5, 12), (std::vector<TraceContext>{context(1), context(2)}));
  EXPECT_EQ(r.find("api", 0, 19, 30), (std::vector<TraceContext>{context(2)}));
  EXPECT_TRUE(r.find("api", 0, 20, 30).empty());
  EXPECT_EQ(r.find("api", 1, 9, 9), (std::vector<TraceContext>{context(3)}));
  EXPECT_EQ(r.find("other", 0, 0, 0), (std::vector<TraceContext>{context(4)}));
}

TEST(TraceRegistry, KeepsOnlyTheNewestAppends) {
  TraceRegistry r;
  for (size_t i = 0; i < TraceRegistry::kCapacity + 10; ++i) {
    r.add("api", 0, static_cast<int64_t>(i), static_cast<int64_t>(i), context(static_cast<uint8_t>(i % 200 + 1)));
  }
  EXPECT_TRUE(r.find("api", 0, 0, 9).empty());
  EXPECT_EQ(r.find("api", 0, 10, 10).size(), 1u);
}

}  // namespace
}  // namespace sluice::runtime

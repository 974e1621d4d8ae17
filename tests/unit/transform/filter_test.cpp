#include <gtest/gtest.h>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

TEST(Filter, KeepsOnlyEventsWhoseConditionIsTrue) {
  TransformHarness filter("    type: filter\n    inputs: [in]\n    condition: .status >= 500 && starts_with(.route, \"/api\")");
  auto out = filter.run({R"({"status":503,"route":"/api/x"})", R"({"status":200,"route":"/api/x"})",
                         R"({"status":500,"route":"/healthz"})", R"({"status":504,"route":"/api/y"})"});
  ASSERT_EQ(out[0].size(), 2u);
  EXPECT_EQ(out[0][0], R"({"status":503,"route":"/api/x"})");
  EXPECT_EQ(out[0][1], R"({"status":504,"route":"/api/y"})");
  EXPECT_TRUE(out[1].empty());
  EXPECT_EQ(filter.stats().snapshot().events_in, 4u);
  EXPECT_EQ(filter.stats().snapshot().events_out, 2u);
}

TEST(Filter, ConditionThatCannotBeEvaluatedDeadLettersTheEventWithTheReason) {
  TransformHarness filter("    type: filter\n    inputs: [in]\n    condition: .status >= 500");
  auto out = filter.run({R"({"status":"five hundred"})", R"({"status":501})"});
  ASSERT_EQ(out[0].size(), 1u);
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_NE(out[1][0].find(R"("component":"t")"), std::string::npos) << out[1][0];
  EXPECT_NE(out[1][0].find(R"("reason":"condition: )"), std::string::npos) << out[1][0];
  EXPECT_NE(out[1][0].find(R"("event":{"status":"five hundred"})"), std::string::npos) << out[1][0];
  EXPECT_EQ(filter.stats().snapshot().dead_lettered, 1u);
}

TEST(Filter, EventTimeIsKept) {
  TransformHarness filter("    type: filter\n    inputs: [in]\n    condition: 'true'");
  auto out = filter.run({R"({"a":1})"});
  EXPECT_EQ(out[0].size(), 1u);
}

}  // namespace
}  // namespace sluice::transform

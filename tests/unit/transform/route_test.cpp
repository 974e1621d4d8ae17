#include <gtest/gtest.h>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

constexpr const char* kRoutes = R"(    type: route
    inputs: [in]
    routes:
      errors: .status >= 500
      slow: .latency_ms > 1000)";

TEST(Route, EachEventGoesToEveryRouteItMeetsAndTheRestToUnmatched) {
  TransformHarness route(kRoutes);
  auto out = route.run({R"({"status":503,"latency_ms":2000})", R"({"status":200,"latency_ms":5})",
                        R"({"status":500,"latency_ms":1})", R"({"status":200,"latency_ms":1500})"});
  // Ports: default, errors, slow, _unmatched, dead_letter.
  ASSERT_EQ(out.size(), 5u);
  EXPECT_TRUE(out[0].empty());
  EXPECT_EQ(out[1], (std::vector<std::string>{R"({"status":503,"latency_ms":2000})", R"({"status":500,"latency_ms":1})"}));
  EXPECT_EQ(out[2], (std::vector<std::string>{R"({"status":503,"latency_ms":2000})", R"({"status":200,"latency_ms":1500})"}));
  EXPECT_EQ(out[3], (std::vector<std::string>{R"({"status":200,"latency_ms":5})"}));
  EXPECT_TRUE(out[4].empty());
  EXPECT_EQ(route.stats().snapshot().events_out, 5u);
}

TEST(Route, FirstMatchSendsAnEventOnlyToTheFirstRoute) {
  TransformHarness route(std::string(kRoutes) + "\n    first_match: true");
  auto out = route.run({R"({"status":503,"latency_ms":2000})"});
  EXPECT_EQ(out[1].size(), 1u);
  EXPECT_TRUE(out[2].empty());
}

TEST(Route, AConditionThatFailsDeadLettersTheEventAndRoutesItNowhere) {
  TransformHarness route(kRoutes);
  auto out = route.run({R"({"status":503,"latency_ms":"slow"})"});
  EXPECT_TRUE(out[1].empty());  // errors matched first, but the event is not half routed
  EXPECT_TRUE(out[3].empty());
  ASSERT_EQ(out[4].size(), 1u);
  EXPECT_NE(out[4][0].find(R"(route \"slow\")"), std::string::npos) << out[4][0];
}

TEST(Route, OutputsAreNamedAfterTheRoutesAndAReservedNameIsRefused) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(R"(
sources:
  in: {type: generator}
transforms:
  r:
    type: route
    inputs: [in]
    routes: {errors: .status >= 500}
sinks:
  a: {type: blackhole, inputs: [r.errors, r._unmatched, r.dead_letter]}
  b: {type: blackhole, inputs: [r.typo]}
)",
                                   "p.yaml", runtime::Registry::builtin(), diagnostics);
  EXPECT_FALSE(config);
  EXPECT_NE(diagnostics.format().find("has no output \"typo\""), std::string::npos) << diagnostics.format();
  EXPECT_EQ(diagnostics.size(), 1u) << diagnostics.format();
  Diagnostics reserved;
  EXPECT_FALSE(load_pipeline_text("sources:\n  in: {type: generator}\ntransforms:\n  r:\n    type: route\n    inputs: "
                                  "[in]\n    routes: {_unmatched: .a > 1}\nsinks:\n  o: {type: blackhole, inputs: [r]}\n",
                                  "p.yaml", runtime::Registry::builtin(), reserved));
  EXPECT_NE(reserved.format().find("is taken"), std::string::npos) << reserved.format();
}

}  // namespace
}  // namespace sluice::transform

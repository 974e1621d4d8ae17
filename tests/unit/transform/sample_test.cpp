#include <gtest/gtest.h>

#include <set>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

std::vector<std::string> events(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(R"({"trace":")" + std::to_string(i % 500) + R"(","n":)" + std::to_string(i) + "}");
  }
  return out;
}

TEST(Sample, KeepsAboutTheRateAndTheSameEventsEveryTime) {
  TransformHarness a("    type: sample\n    inputs: [in]\n    rate: 0.1");
  TransformHarness b("    type: sample\n    inputs: [in]\n    rate: 0.1");
  const auto input = events(20000);
  auto kept = a.run(input)[0];
  EXPECT_NEAR(static_cast<double>(kept.size()), 2000.0, 150.0);  // binomial: σ ≈ 42
  EXPECT_EQ(kept, b.run(input)[0]);
  TransformHarness other_seed("    type: sample\n    inputs: [in]\n    rate: 0.1\n    seed: 7");
  EXPECT_NE(kept, other_seed.run(input)[0]);
}

TEST(Sample, KeyFieldsKeepOrDropRelatedEventsTogether) {
  TransformHarness s("    type: sample\n    inputs: [in]\n    rate: 0.2\n    key_fields: [trace]");
  auto kept = s.run(events(5000))[0];
  Arena arena;
  std::map<std::string, int> per_trace;
  for (const std::string& line : kept) per_trace[std::string(testing::parse_line(line, arena).find("trace")->as_string())]++;
  for (const auto& [trace, n] : per_trace) EXPECT_EQ(n, 10) << trace;  // every trace has 10 events: all or none
  EXPECT_NEAR(static_cast<double>(per_trace.size()), 100.0, 30.0);
}

TEST(Sample, RateOneKeepsAllAndZeroNone) {
  TransformHarness all("    type: sample\n    inputs: [in]\n    rate: 1");
  TransformHarness none("    type: sample\n    inputs: [in]\n    rate: 0");
  EXPECT_EQ(all.run(events(100))[0].size(), 100u);
  EXPECT_TRUE(none.run(events(100))[0].empty());
}

}  // namespace
}  // namespace sluice::transform

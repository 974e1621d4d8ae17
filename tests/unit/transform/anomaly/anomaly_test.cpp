#include <gtest/gtest.h>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

constexpr const char* kYaml = R"(    type: anomaly
    inputs: [in]
    value: .p99
    series: [service]
    threshold: 6
    direction: up)";

std::vector<std::string> points(const std::string& service, int n, double base, int spike_at = -1, double spike = 0) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const double v = i == spike_at ? spike : base + (i % 5) * 0.5;
    out.push_back(R"({"service":")" + service + R"(","p99":)" + std::to_string(v) + "}");
  }
  return out;
}

TEST(Anomaly, EmitsOneEventPerAnomalyWithItsSeriesAndScore) {
  TransformHarness a(kYaml);
  auto auth = points("auth", 40, 100, 30, 400);
  auto pay = points("pay", 40, 10);  // its own model: 100s of auth are not normal for it
  std::vector<std::string> events;
  std::vector<int64_t> times;
  for (int i = 0; i < 40; ++i) {
    events.push_back(auth[static_cast<size_t>(i)]);
    events.push_back(pay[static_cast<size_t>(i)]);
    times.push_back(i * 60'000'000LL);
    times.push_back(i * 60'000'000LL);
  }
  auto out = a.run(events, times);
  ASSERT_EQ(out[0].size(), 1u);
  Arena arena;
  const Value e = testing::parse_line(out[0][0], arena);
  EXPECT_EQ(e.find("metric")->as_string(), "p99");
  EXPECT_EQ(e.find("series")->as_string(), "service=auth");
  EXPECT_EQ(e.find("service")->as_string(), "auth");
  EXPECT_EQ(e.find("value")->as_double(), 400);
  EXPECT_NEAR(e.find("expected")->as_double(), 101, 1.5);
  EXPECT_GT(e.find("score")->as_double(), 12);
  EXPECT_EQ(e.find("severity")->as_string(), "critical");
  EXPECT_EQ(e.find("method")->as_string(), "ewma_zscore");
  EXPECT_EQ(e.find("ts")->as_string(), "1970-01-01T00:30:00Z");
  EXPECT_EQ(a.stats().snapshot().state_entries, 2u);
}

TEST(Anomaly, DirectionUpIgnoresDrops) {
  TransformHarness a(kYaml);
  EXPECT_TRUE(a.run(points("auth", 40, 100, 30, 1))[0].empty());
}

TEST(Anomaly, AValueThatIsNotANumberIsDeadLettered) {
  TransformHarness a(kYaml);
  auto out = a.run({R"({"service":"a","p99":"slow"})", R"({"service":"a"})"});
  ASSERT_EQ(out[1].size(), 2u);
  EXPECT_NE(out[1][0].find("not a number"), std::string::npos) << out[1][0];
  EXPECT_NE(out[1][1].find("no value"), std::string::npos) << out[1][1];
}

TEST(Anomaly, ARestoredStateScoresLikeAnUninterruptedRun) {
  const auto series = points("auth", 60, 100, 50, 400);
  TransformHarness whole(kYaml);
  auto uninterrupted = whole.run(series)[0];
  TransformHarness first(kYaml), second(kYaml);
  first.run(std::vector<std::string>(series.begin(), series.begin() + 25));
  std::string state;
  first.transform().save_state(&state);
  ASSERT_TRUE(second.transform().load_state(state).is_ok());
  EXPECT_EQ(second.run(std::vector<std::string>(series.begin() + 25, series.end()))[0], uninterrupted);
  TransformHarness other(std::string(kYaml) + "\n    method: mad");
  EXPECT_FALSE(other.transform().load_state(state).is_ok());
}

TEST(Anomaly, TheConsoleShowsEachSeriesLatestPoint) {
  TransformHarness a(kYaml);
  a.run(points("auth", 40, 100, 39, 400));
  const auto notes = a.stats().notes.snapshot();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].first, "service=auth");
  EXPECT_NE(notes[0].second.find("ANOMALY"), std::string::npos) << notes[0].second;
}

}  // namespace
}  // namespace sluice::transform

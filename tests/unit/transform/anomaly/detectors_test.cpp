#include "transform/anomaly/detectors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace sluice::transform::anomaly {
namespace {

constexpr int64_t kMinute = 60'000'000;

// Feeds points; returns the indexes scored as anomalies (|score| >= threshold).
std::vector<size_t> anomalies(SeriesModel& m, const std::vector<double>& xs, double threshold, int64_t step = kMinute) {
  std::vector<size_t> out;
  for (size_t i = 0; i < xs.size(); ++i) {
    const int64_t t = static_cast<int64_t>(i) * step;
    const Score s = m.score(xs[i], t);
    const bool flagged = s.ready && std::abs(s.score) >= threshold;
    if (flagged) out.push_back(i);
    m.observe(xs[i], t, flagged);
  }
  return out;
}

std::vector<double> noisy(size_t n, double mean, double sd, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> xs(n);
  for (double& x : xs) x = d(rng);
  return xs;
}

TEST(AnomalyDetectors, EveryMethodFindsASpikeInNoiseAndNothingElse) {
  for (Method method : {Method::kEwmaZscore, Method::kMad}) {
    DetectorOptions o;
    o.method = method;
    auto xs = noisy(400, 100, 2, 1);
    xs[200] = 140;  // twenty standard deviations
    auto m = make_series_model(o);
    EXPECT_EQ(anomalies(*m, xs, 6), (std::vector<size_t>{200})) << method_name(method);
  }
}

TEST(AnomalyDetectors, NoScoreDuringTheWarmUp) {
  DetectorOptions o;
  o.warmup = 10;
  auto m = make_series_model(o);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(m->score(100, i).ready);
    m->observe(100 + i % 2, i, false);
  }
  EXPECT_TRUE(m->score(100, 11).ready);
}

TEST(AnomalyDetectors, AnIncidentIsNotLearntUntilItLastsAndThenBecomesTheNewLevel) {
  DetectorOptions o;
  auto m = make_series_model(o);
  auto xs = noisy(100, 50, 1, 2);
  for (int i = 0; i < 60; ++i) xs.push_back(200 + (i % 3));  // a lasting shift
  const auto found = anomalies(*m, xs, 6);
  // The first points of the shift are anomalies; after kAbsorbAfter in a row the model
  // learns the new level and the rest are normal.
  ASSERT_GE(found.size(), static_cast<size_t>(kAbsorbAfter));
  EXPECT_EQ(found.front(), 100u);
  EXPECT_LT(found.back(), 100u + 40u);
}

TEST(AnomalyDetectors, SeasonalKnowsWhatIsNormalForTheTimeOfDay) {
  // A daily cycle of points every 10 minutes: 144 a day, four days.
  DetectorOptions o;
  o.method = Method::kSeasonal;
  o.interval_us = 10 * kMinute;
  o.season_us = 144 * o.interval_us;
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> xs;
  for (int i = 0; i < 4 * 144; ++i) xs.push_back(100 + 30 * std::sin(2 * M_PI * i / 144.0) + noise(rng));
  // Day 3: at the trough, a value normal for the peak — an EWMA of the level would miss it.
  const size_t trough = 2 * 144 + 108;
  xs[trough] = 128;
  auto seasonal = make_series_model(o);
  const auto found = anomalies(*seasonal, xs, 6, o.interval_us);
  EXPECT_EQ(found, (std::vector<size_t>{trough}));
}

TEST(AnomalyDetectors, StateSavedAndLoadedScoresLikeTheOriginal) {
  for (Method method : {Method::kEwmaZscore, Method::kMad, Method::kSeasonal}) {
    DetectorOptions o;
    o.method = method;
    o.interval_us = kMinute;
    o.season_us = 30 * kMinute;
    auto a = make_series_model(o);
    const auto xs = noisy(100, 10, 1, 4);
    for (size_t i = 0; i < xs.size(); ++i) a->observe(xs[i], static_cast<int64_t>(i) * kMinute, false);
    std::string bytes;
    ByteWriter w(&bytes);
    a->save(w);
    auto b = make_series_model(o);
    ByteReader r(bytes);
    ASSERT_TRUE(b->load(r)) << method_name(method);
    for (double x : {10.0, 14.0, 30.0}) {
      EXPECT_EQ(a->score(x, 100 * kMinute).score, b->score(x, 100 * kMinute).score) << method_name(method);
    }
  }
}

}  // namespace
}  // namespace sluice::transform::anomaly

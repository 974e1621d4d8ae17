#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "transform/window/ddsketch.h"
#include "transform/window/distinct_counter.h"

namespace sluice::transform {
namespace {

double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(std::floor(q * static_cast<double>(values.size() - 1)))];
}

TEST(DDSketch, PercentilesOfLogNormalLatenciesAreWithinOnePercent) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> latency_ms(3.0, 1.2);  // median ~20 ms, long tail
    std::vector<double> values(200'000);
    DDSketch sketch;
    for (double& v : values) {
      v = latency_ms(rng);
      sketch.add(v);
    }
    for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
      const double exact = exact_quantile(values, q);
      EXPECT_LE(std::abs(sketch.quantile(q) - exact) / exact, 0.01)
          << "q=" << q << " seed=" << seed;
    }
  }
}

TEST(DDSketch, MergingSketchesEqualsSketchingTheUnion) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> values(0, 100);  // negatives, zeros and positives
  DDSketch a, b, both;
  for (int i = 0; i < 50'000; ++i) {
    const double v = i % 97 == 0 ? 0.0 : values(rng);
    (i % 3 ? a : b).add(v);
    both.add(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), both.count());
  for (double q = 0; q <= 1.0; q += 0.01) EXPECT_EQ(a.quantile(q), both.quantile(q)) << q;
}

TEST(DDSketch, ValuesSpanningManyDecadesStayBoundedAndKeepTheTail) {
  DDSketch sketch;
  for (int e = -300; e <= 300; ++e) sketch.add(std::pow(10.0, e / 10.0));
  for (int i = 0; i < 1000; ++i) sketch.add(1e30);
  EXPECT_LE(sketch.memory_bytes(), 2 * DDSketch::kMaxBuckets * sizeof(uint64_t) + 1024);
  EXPECT_NEAR(sketch.quantile(0.99), 1e30, 1e30 * 0.01);
}

TEST(DDSketch, SavedAndLoadedSketchAnswersTheSame) {
  DDSketch sketch;
  for (int i = 1; i <= 1000; ++i) sketch.add(i * 0.5);
  std::string bytes;
  ByteWriter w(&bytes);
  sketch.save(w);
  DDSketch loaded;
  ByteReader r(bytes);
  ASSERT_TRUE(loaded.load(r));
  for (double q : {0.0, 0.5, 0.99, 1.0}) EXPECT_EQ(loaded.quantile(q), sketch.quantile(q));
}

TEST(DistinctCounter, SmallCardinalitiesAreExact) {
  DistinctCounter c;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) c.add(Value::integer(i));
  }
  EXPECT_TRUE(c.exact());
  EXPECT_EQ(c.estimate(), 1000u);
  c.add(Value::string("1"));
  EXPECT_EQ(c.estimate(), 1001u) << "the string \"1\" is not the integer 1";
}

TEST(DistinctCounter, LargeCardinalitiesAreWithinTwoPercent) {
  for (uint64_t n : {5'000ull, 50'000ull, 500'000ull, 3'000'000ull}) {
    DistinctCounter c;
    for (uint64_t i = 0; i < n; ++i) {
      const std::string user = "user-" + std::to_string(i * 2654435761ull);
      c.add(Value::string(user));
    }
    const double error = std::abs(static_cast<double>(c.estimate()) - static_cast<double>(n)) /
                         static_cast<double>(n);
    EXPECT_LE(error, 0.02) << "n=" << n << " estimate=" << c.estimate();
  }
}

TEST(DistinctCounter, MergingCountersEqualsCountingTheUnion) {
  DistinctCounter a, b, both;
  for (int i = 0; i < 200'000; ++i) {
    const Value v = Value::integer(i % 150'000);
    (i % 2 ? a : b).add(v);
    both.add(v);
  }
  DistinctCounter small;
  for (int i = 0; i < 10; ++i) small.add(Value::integer(1'000'000 + i));
  both.add(Value::integer(1'000'000));
  for (int i = 1; i < 10; ++i) both.add(Value::integer(1'000'000 + i));
  a.merge(b);
  a.merge(small);
  EXPECT_EQ(a.estimate(), both.estimate());
  std::string x, y;
  ByteWriter wx(&x), wy(&y);
  a.save(wx);
  both.save(wy);
  EXPECT_EQ(x, y) << "the registers themselves are equal";
}

}  // namespace
}  // namespace sluice::transform

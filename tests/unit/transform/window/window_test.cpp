#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "core/time.h"
#include "format/json_reader.h"
#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

constexpr int64_t kSecond = 1'000'000;
int64_t at(double seconds) {
  return static_cast<int64_t>(seconds * kSecond);
}

// Appends a port's lines (the argument keeps a temporary result alive).
void append_to(std::vector<std::string>& to, const std::vector<std::string>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

std::string window_yaml(const std::string& body) {
  return "    type: window\n    inputs: [in]\n" + body;
}

TEST(Window, TumblingWindowEmitsWhenWatermarkPassesEnd) {
  TransformHarness w(
      window_yaml("    size: 1m\n    allowed_lateness: 0s\n    key_fields: [service]\n"
                  "    aggregates:\n      requests: count()\n      bytes: sum(.bytes)\n"));
  auto out = w.run({R"({"service":"a","bytes":10})", R"({"service":"b","bytes":1})",
                    R"({"service":"a","bytes":5})"},
                   {at(1), at(30), at(59.999999)});
  EXPECT_TRUE(out[0].empty()) << "nothing is complete before the watermark reaches 1m";
  out = w.run({R"({"service":"a","bytes":7})"}, {at(60)});
  ASSERT_EQ(out[0].size(), 2u);
  std::sort(out[0].begin(), out[0].end());
  EXPECT_EQ(
      out[0][0],
      R"({"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","service":"a","requests":2,"bytes":15,"window_emit":"final"})");
  EXPECT_EQ(
      out[0][1],
      R"({"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","service":"b","requests":1,"bytes":1,"window_emit":"final"})");
  // The event at exactly 1m belongs to the next window.
  out = w.flush();
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("window_start":"1970-01-01T00:01:00Z")"), std::string::npos)
      << out[0][0];
  EXPECT_NE(out[0][0].find(R"("requests":1,"bytes":7)"), std::string::npos) << out[0][0];
}

TEST(Window, OutOfOrderEventsWithinLatenessCountAndLaterOnesGoToLate) {
  TransformHarness w(
      window_yaml("    size: 10s\n    allowed_lateness: 5s\n    aggregates:\n      n: count()\n"));
  // 12s moves the watermark to 7s: window [0,10) is still open for the event at 8s.
  auto out = w.run({"{}", "{}", R"({"id":"in time"})"}, {at(1), at(12), at(8)});
  EXPECT_TRUE(out[0].empty());
  EXPECT_TRUE(out[1].empty());
  // 16s: watermark 11s closes [0,10) with 2 events; an event at 9s is now late.
  out = w.run({"{}", R"({"id":"late"})"}, {at(16), at(9)});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":2)"), std::string::npos) << out[0][0];
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_EQ(out[1][0], R"({"id":"late"})");
  EXPECT_EQ(w.stats().snapshot().late, 1u);
  out = w.flush();
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":2)"), std::string::npos) << "12s and 16s: " << out[0][0];
}

TEST(Window, EmptyWindowsEmitNothingAndZeroCountsAreKept) {
  TransformHarness w(
      window_yaml("    size: 1m\n    allowed_lateness: 0s\n    aggregates:\n      errors: "
                  "count_if(.status >= 500)\n"
                  "      worst: max(.status)\n"));
  auto out = w.run({R"({"status":200})", R"({"status":201})"}, {at(5), at(300)});
  ASSERT_EQ(out[0].size(), 1u) << "the four minutes without events emit nothing";
  EXPECT_NE(out[0][0].find(R"("errors":0,"worst":200)"), std::string::npos) << out[0][0];
}

TEST(Window, EveryAggregateOnASmallInput) {
  TransformHarness w(window_yaml(
      "    size: 1m\n    aggregates:\n      n: count()\n      big: count_if(.user == \"a\")\n      "
      "total: sum(.v)\n"
      "      mean: avg(.v)\n      low: min(.v)\n      high: max(.v)\n      first_user: "
      "first(.user)\n"
      "      last_user: last(.user)\n      sd: stddev(.v)\n      per_second: rate()\n      "
      "v_per_second: rate(.v)\n"
      "      users: distinct(.user)\n      median: p50(.v)\n      nested.p99: p99(.v)\n"));
  // Arrives out of event-time order: first/last follow event time, not arrival.
  w.run({R"({"v":4,"user":"c"})", R"({"v":1,"user":"a"})", R"({"v":2,"user":"b"})",
         R"({"v":3,"user":"a"})", R"({"v":null,"user":"d"})"},
        {at(30), at(1), at(10), at(20), at(25)});
  auto out = w.flush();
  ASSERT_EQ(out[0].size(), 1u);
  SCOPED_TRACE(out[0][0]);
  format::JsonReader reader;
  Arena arena;
  Value v;
  ASSERT_TRUE(reader.read_object(out[0][0], arena, &v).is_ok());
  EXPECT_EQ(v.find("n")->as_int(), 5);
  EXPECT_EQ(v.find("big")->as_int(), 2);
  EXPECT_TRUE(v.find("total")->is_int()) << "a sum of integers stays an integer";
  EXPECT_EQ(v.find("total")->as_int(), 10);
  EXPECT_DOUBLE_EQ(v.find("mean")->as_number(), 2.5) << "null is skipped, as in SQL";
  EXPECT_EQ(v.find("low")->as_int(), 1);
  EXPECT_EQ(v.find("high")->as_int(), 4);
  EXPECT_EQ(v.find("first_user")->as_string(), "a");
  EXPECT_EQ(v.find("last_user")->as_string(), "c");
  EXPECT_NEAR(v.find("sd")->as_number(), 1.2909944487358056,
              1e-12);  // sample standard deviation of 1..4
  EXPECT_NEAR(v.find("per_second")->as_number(), 5.0 / 60, 1e-12);
  EXPECT_NEAR(v.find("v_per_second")->as_number(), 10.0 / 60, 1e-12);
  EXPECT_EQ(v.find("users")->as_int(), 4);
  EXPECT_NEAR(v.find("median")->as_number(), 2, 2 * 0.005);
  ASSERT_NE(v.find("nested"), nullptr);
  // p99 of 1..4 by the lower rank floor(0.99 · 3) is the third value.
  EXPECT_NEAR(v.find("nested")->find("p99")->as_number(), 3, 3 * 0.005);
}

TEST(Window, ArgumentThatIsNotANumberDeadLettersTheWholeEvent) {
  TransformHarness w(
      window_yaml("    size: 1m\n    aggregates:\n      n: count()\n      total: sum(.v)\n"));
  auto out = w.run({R"({"v":"seven"})", R"({"v":3})"}, {at(1), at(2)});
  ASSERT_EQ(out.back().size(), 1u);
  EXPECT_NE(out.back()[0].find("yields string, not a number"), std::string::npos) << out.back()[0];
  EXPECT_EQ(w.stats().snapshot().dead_lettered, 1u);
  out = w.flush();
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":1,"total":3)"), std::string::npos)
      << "the bad event is not half-counted";
}

TEST(Window, SessionsCloseAfterTheGapAndMergeWhenBridged) {
  TransformHarness w(window_yaml(
      "    window: session\n    gap: 30s\n    allowed_lateness: 60s\n    key_fields: [user]\n"
      "    aggregates:\n      clicks: count()\n"));
  // Two sessions for u1 ([0,50) and [100,130)), then an event at 45 bridges nothing
  // (it joins the first), and one at 70 bridges the first and the second.
  auto out = w.run({R"({"user":"u1"})", R"({"user":"u1"})", R"({"user":"u1"})", R"({"user":"u1"})",
                    R"({"user":"u1"})"},
                   {at(0), at(20), at(100), at(45), at(70)});
  EXPECT_TRUE(out[0].empty());
  out = w.run({R"({"user":"u2"})"}, {at(300)});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(
      out[0][0],
      R"({"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:02:10Z","user":"u1","clicks":5,"window_emit":"final"})");
}

TEST(Window, SessionsThatDoNotTouchStaySeparate) {
  TransformHarness w(
      window_yaml("    window: session\n    gap: 10s\n    aggregates:\n      n: count()\n"));
  auto out = w.run({"{}", "{}", "{}"}, {at(0), at(5), at(40)});
  append_to(out[0], w.flush()[0]);
  ASSERT_EQ(out[0].size(), 2u);
  EXPECT_NE(out[0][0].find(R"("window_end":"1970-01-01T00:00:15Z","n":2)"), std::string::npos)
      << out[0][0];
  EXPECT_NE(
      out[0][1].find(
          R"("window_start":"1970-01-01T00:00:40Z","window_end":"1970-01-01T00:00:50Z","n":1)"),
      std::string::npos)
      << out[0][1];
}

TEST(Window, HoppingWindowEqualsTheMergeOfItsTumblingPanes) {
  const std::string aggregates =
      "    key_fields: [k]\n    allowed_lateness: 0s\n"
      "    aggregates:\n      n: count()\n      total: sum(.v)\n      low: min(.v)\n      high: "
      "max(.v)\n";
  TransformHarness hopping(
      window_yaml("    window: hopping\n    size: 60s\n    slide: 20s\n" + aggregates));
  TransformHarness panes(window_yaml("    size: 20s\n" + aggregates));
  std::mt19937_64 rng(7);
  std::vector<std::string> events;
  std::vector<int64_t> times;
  for (int i = 0; i < 2000; ++i) {
    events.push_back(R"({"k":")" + std::string(1, char('a' + rng() % 3)) + R"(","v":)" +
                     std::to_string(rng() % 1000) + "}");
    times.push_back(at(i * 0.37));
  }
  std::vector<std::string> hop_out, pane_out;
  append_to(hop_out, hopping.run(events, times)[0]);
  append_to(hop_out, hopping.flush()[0]);
  append_to(pane_out, panes.run(events, times)[0]);
  append_to(pane_out, panes.flush()[0]);
  ASSERT_GT(hop_out.size(), pane_out.size());
  // Merge each key's three consecutive 20s panes by hand.
  format::JsonReader reader;
  std::map<std::pair<int64_t, std::string>, std::array<int64_t, 4>>
      pane_values;  // start → n, total, low, high
  for (const std::string& line : pane_out) {
    Arena arena;
    Value v;
    ASSERT_TRUE(reader.read_object(line, arena, &v).is_ok());
    const int64_t start = *parse_rfc3339(v.find("window_start")->as_string());
    pane_values[{start, std::string(v.find("k")->as_string())}] = {
        v.find("n")->as_int(), v.find("total")->as_int(), v.find("low")->as_int(),
        v.find("high")->as_int()};
  }
  size_t compared = 0;
  for (const std::string& line : hop_out) {
    Arena arena;
    Value v;
    ASSERT_TRUE(reader.read_object(line, arena, &v).is_ok());
    const int64_t start = *parse_rfc3339(v.find("window_start")->as_string());
    const std::string key(v.find("k")->as_string());
    std::array<int64_t, 4> expected = {0, 0, INT64_MAX, INT64_MIN};
    for (int64_t p = start; p < start + at(60); p += at(20)) {
      auto it = pane_values.find({p, key});
      if (it == pane_values.end()) continue;
      expected[0] += it->second[0];
      expected[1] += it->second[1];
      expected[2] = std::min(expected[2], it->second[2]);
      expected[3] = std::max(expected[3], it->second[3]);
    }
    EXPECT_EQ(v.find("n")->as_int(), expected[0]) << line;
    EXPECT_EQ(v.find("total")->as_int(), expected[1]) << line;
    EXPECT_EQ(v.find("low")->as_int(), expected[2]) << line;
    EXPECT_EQ(v.find("high")->as_int(), expected[3]) << line;
    ++compared;
  }
  EXPECT_EQ(compared, hop_out.size());
  // Every event is in size/slide = 3 hopping windows.
  int64_t total = 0;
  for (const std::string& line : hop_out) {
    Arena arena;
    Value v;
    ASSERT_TRUE(reader.read_object(line, arena, &v).is_ok());
    total += v.find("n")->as_int();
  }
  EXPECT_EQ(total, 3 * 2000);
}

TEST(Window, WatermarkIsTheMinimumAcrossPartitionsUntilOneIsIdle) {
  TransformHarness w(
      window_yaml("    size: 10s\n    allowed_lateness: 0s\n    idle_timeout: 5s\n    "
                  "aggregates:\n      n: count()\n"));
  auto out = w.run({"{}"}, {at(1)}, /*partition=*/0);
  out = w.run({"{}", "{}"}, {at(2), at(25)}, /*partition=*/1);
  EXPECT_TRUE(out[0].empty()) << "partition 0 is still at 1s";
  out = w.run({"{}"}, {at(3)}, /*partition=*/0);
  EXPECT_TRUE(out[0].empty()) << "an event of the slow partition within its own time is not late";
  EXPECT_TRUE(out[1].empty());
  // Partition 0 goes quiet while the pipeline runs on (ticks every 100 ms, partition 1
  // still delivering): after the idle timeout the watermark follows partition 1.
  const int64_t start = steady_now_us();
  for (int64_t t = start; t <= start + at(6) && out[0].empty(); t += at(0.1)) {
    out = w.tick(t);
    if (out[0].empty()) out = w.run({"{}"}, {at(26)}, /*partition=*/1);
  }
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":3)"), std::string::npos) << out[0][0];
}

TEST(Window, AStallOfTheWholePipelineMakesNoPartitionIdle) {
  TransformHarness w(window_yaml("    size: 10s\n    allowed_lateness: 0s\n    idle_timeout: 5s\n  "
                                 "  aggregates:\n      n: count()\n"),
                     {{"in", 0}, {"in", 1}});
  w.run({"{}"}, {at(1)}, /*partition=*/0);
  w.run({"{}"}, {at(25)}, /*partition=*/1);
  // Nothing ran for a minute (descheduled, or blocked on a full sink queue).
  auto out = w.tick(steady_now_us() + at(60));
  EXPECT_TRUE(out[0].empty()) << "partition 0 was not silent while the pipeline ran";
  out = w.run({"{}"}, {at(2)}, /*partition=*/0);
  EXPECT_TRUE(out[1].empty()) << "so its next event is not late";
}

TEST(Window, DeclaredPartitionsHoldTheWatermarkBeforeTheirFirstEvent) {
  TransformHarness w(
      window_yaml("    size: 10s\n    allowed_lateness: 0s\n    aggregates:\n      n: count()\n"),
      {{"in", 0}, {"in", 1}});
  auto out = w.run({"{}", "{}"}, {at(1), at(25)}, /*partition=*/0);
  EXPECT_TRUE(out[0].empty()) << "partition 1 has not spoken yet";
  out = w.run({"{}"}, {at(2)}, /*partition=*/1);
  EXPECT_TRUE(out[1].empty()) << "its first event is not late";
  out = w.run({"{}"}, {at(30)}, /*partition=*/1);
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":2)"), std::string::npos) << out[0][0];
}

TEST(Window, OverTheStateBoundTheOldestWindowsAreEmittedEarlyAndFlagged) {
  TransformHarness w(
      window_yaml("    size: 1h\n    allowed_lateness: 100h\n    key_fields: [k]\n    "
                  "max_open_windows: 10\n    aggregates:\n      n: count()\n"));
  std::vector<std::string> events;
  std::vector<int64_t> times;
  for (int i = 0; i < 25; ++i) {
    events.push_back(R"({"k":)" + std::to_string(i) + "}");
    times.push_back(at(3600.0 * i));  // an hour apart, all within the allowed lateness: all open
  }
  auto out = w.run(events, times);
  const auto stats = w.stats().snapshot();
  EXPECT_LE(stats.state_entries, 10u);
  EXPECT_GT(stats.evicted, 0u);
  size_t evicted = 0;
  for (const std::string& line : out[0])
    evicted += line.find(R"("window_emit":"evicted")") != std::string::npos;
  EXPECT_EQ(evicted, stats.evicted);
  // Nothing is lost: every event is in exactly one emitted window.
  append_to(out[0], w.flush()[0]);
  EXPECT_EQ(out[0].size(), 25u);
}

TEST(Window, EarlyUpdatesEmitOpenWindowsAndKeepThem) {
  TransformHarness w(
      window_yaml("    size: 1m\n    early_updates: 1s\n    aggregates:\n      n: count()\n"));
  w.run({"{}", "{}"}, {at(1), at(2)});
  auto out = w.tick(steady_now_us() + at(1));
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":2,"window_emit":"update")"), std::string::npos) << out[0][0];
  w.run({"{}"}, {at(3)});
  out = w.flush();
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_NE(out[0][0].find(R"("n":3,"window_emit":"final")"), std::string::npos) << out[0][0];
}

TEST(Window, SavedStateResumesExactlyWhereItStopped) {
  const std::string yaml = window_yaml(
      "    window: hopping\n    size: 30s\n    slide: 10s\n    key_fields: [k]\n    "
      "allowed_lateness: 2s\n"
      "    aggregates:\n      n: count()\n      total: sum(.v)\n      p: p99(.v)\n      u: "
      "distinct(.u)\n"
      "      last_v: last(.v)\n");
  std::mt19937_64 rng(11);
  std::vector<std::string> events;
  std::vector<int64_t> times;
  for (int i = 0; i < 3000; ++i) {
    events.push_back(R"({"k":")" + std::to_string(rng() % 4) + R"(","v":)" +
                     std::to_string(rng() % 500) + R"(,"u":")" + std::to_string(rng() % 2000) +
                     R"("})");
    times.push_back(at(i * 0.05) +
                    static_cast<int64_t>(rng() % 1'000'000));  // up to 1s out of order
  }
  auto run_in = [&](TransformHarness& h, size_t from, size_t to, std::vector<std::string>& sink) {
    for (size_t i = from; i < to; i += 100) {
      const size_t end = std::min(to, i + 100);
      auto out = h.run(std::vector<std::string>(events.begin() + i, events.begin() + end),
                       std::vector<int64_t>(times.begin() + i, times.begin() + end));
      for (auto& l : out[0]) sink.push_back(l);
    }
  };
  TransformHarness whole(yaml);
  std::vector<std::string> expected;
  run_in(whole, 0, events.size(), expected);
  append_to(expected, whole.flush()[0]);

  std::vector<std::string> got;
  std::string state;
  {
    TransformHarness first(yaml);
    run_in(first, 0, 1700, got);
    first.transform().save_state(&state);
  }
  TransformHarness second(yaml);
  ASSERT_TRUE(second.transform().load_state(state).is_ok());
  run_in(second, 1700, events.size(), got);
  append_to(got, second.flush()[0]);
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
}

TEST(Window, StateOfAnotherWindowDefinitionOrDamagedStateIsRefused) {
  TransformHarness a(window_yaml("    size: 1m\n    aggregates:\n      n: count()\n"));
  a.run({"{}"}, {at(1)});
  std::string state;
  a.transform().save_state(&state);
  TransformHarness b(window_yaml("    size: 2m\n    aggregates:\n      n: count()\n"));
  Status s = b.transform().load_state(state);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("different window definition"), std::string::npos) << s.message();
  TransformHarness c(window_yaml("    size: 1m\n    aggregates:\n      n: count()\n"));
  for (size_t cut = 0; cut < state.size(); ++cut) {
    EXPECT_FALSE(c.transform().load_state(state.substr(0, cut)).is_ok()) << "cut at " << cut;
  }
  EXPECT_TRUE(c.transform().load_state(state).is_ok());
}

}  // namespace
}  // namespace sluice::transform

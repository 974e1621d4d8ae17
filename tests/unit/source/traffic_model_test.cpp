#include "source/traffic_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::source {
namespace {

std::string render(const TrafficOptions& options, size_t count) {
  TrafficModel model(options);
  Arena arena;
  std::string out;
  for (size_t i = 0; i < count; ++i) format::append_ndjson_line(model.next(arena), out);
  return out;
}

TrafficOptions fixed(uint64_t seed) {
  TrafficOptions o;
  o.seed = seed;
  o.start_time_us = *parse_rfc3339("2026-11-24T00:00:00Z");
  o.interval_us = 1000;
  return o;
}

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

TEST(TrafficModel, SameSeedGivesIdenticalEvents) {
  EXPECT_EQ(render(fixed(7), 2000), render(fixed(7), 2000));
}

TEST(TrafficModel, DifferentSeedsGiveDifferentEvents) { EXPECT_NE(render(fixed(7), 200), render(fixed(8), 200)); }

TEST(TrafficModel, EventTimeAdvancesByTheInterval) {
  TrafficModel model(fixed(1));
  Arena arena;
  int64_t start = fixed(1).start_time_us;
  for (int i = 0; i < 100; ++i) {
    Event e = model.next(arena);
    EXPECT_EQ(e.time_us, start + i * 1000);
    const Value* ts = e.fields.find("timestamp");
    ASSERT_NE(ts, nullptr);
    EXPECT_EQ(ts->as_timestamp_us(), e.time_us);
  }
}

TEST(TrafficModel, EventsCarryTheDocumentedFieldsWithPlausibleValues) {
  TrafficModel model(fixed(3));
  Arena arena;
  std::set<std::string> services;
  size_t cards = 0, phones = 0;
  for (int i = 0; i < 20000; ++i) {
    Event e = model.next(arena);
    for (const char* name : {"service", "route", "method", "status", "latency_ms", "bytes", "user_id", "region",
                             "trace_id", "email", "client_ip"}) {
      ASSERT_NE(e.fields.find(name), nullptr) << name;
    }
    services.insert(std::string(e.fields.find("service")->as_string()));
    int64_t status = e.fields.find("status")->as_int();
    EXPECT_TRUE(status >= 200 && status <= 599) << status;
    EXPECT_GT(e.fields.find("latency_ms")->as_double(), 0.0);
    EXPECT_EQ(e.fields.find("trace_id")->as_string().size(), 32u);
    EXPECT_NE(e.fields.find("email")->as_string().find('@'), std::string_view::npos);
    if (const Value* card = e.fields.find("card_number")) {
      ++cards;
      EXPECT_EQ(card->as_string().size(), 16u);
      EXPECT_TRUE(luhn_valid(card->as_string())) << card->as_string();
    }
    if (e.fields.find("phone") != nullptr) ++phones;
  }
  EXPECT_EQ(services.size(), TrafficModel::service_names().size());
  EXPECT_GT(cards, 0u);
  EXPECT_GT(phones, 0u);
}

TEST(TrafficModel, LatencyFollowsTheDailyCycle) {
  // Median latency of the same route at 14:00 UTC (peak) is above that at 02:00 (trough).
  auto median_at = [](const char* time) {
    TrafficOptions o = fixed(11);
    o.start_time_us = *parse_rfc3339(time);
    o.interval_us = 1;
    o.anomaly_interval_us = 0;
    TrafficModel model(o);
    Arena arena;
    std::vector<double> latencies;
    for (int i = 0; i < 50000; ++i) {
      Event e = model.next(arena);
      if (e.fields.find("route")->as_string() == "/api/v1/search") {
        latencies.push_back(e.fields.find("latency_ms")->as_double());
      }
    }
    std::sort(latencies.begin(), latencies.end());
    return latencies[latencies.size() / 2];
  };
  EXPECT_GT(median_at("2026-11-24T14:00:00Z"), 1.5 * median_at("2026-11-24T02:00:00Z"));
}

TEST(TrafficModel, AnomalyEpisodesAreLabelledLastMinutesAndChangeTheTraffic) {
  TrafficOptions o = fixed(5);
  o.interval_us = 10'000;  // 100 events/s of event time
  o.anomaly_interval_us = 300'000'000;
  o.label_anomalies = true;
  TrafficModel model(o);
  Arena arena;
  std::map<std::string, size_t> labels;
  size_t burst_errors = 0, burst_total = 0, normal_errors = 0, normal_total = 0;
  int64_t episode_start = -1, last_labelled = -1, longest = 0, shortest = INT64_MAX;
  std::string previous;
  for (int i = 0; i < 720'000; ++i) {  // two hours of event time
    Event e = model.next(arena);
    const Value* label = e.fields.find("anomaly");
    ASSERT_NE(label, nullptr);
    const bool error = e.fields.find("status")->as_int() >= 500;
    const std::string now = label->is_null() ? "" : std::string(label->as_string());
    if (!now.empty()) {
      ++labels[now];
      if (now == "error_burst") {
        ++burst_total;
        burst_errors += error;
      }
    } else if (previous.empty()) {
      ++normal_total;
      normal_errors += error;
    }
    // Episode lengths: first to last labelled event, an episode ending 5 s after its last.
    if (!now.empty()) {
      if (episode_start < 0) episode_start = e.time_us;
      last_labelled = e.time_us;
    } else if (episode_start >= 0 && e.time_us - last_labelled > 5'000'000) {
      longest = std::max(longest, last_labelled - episode_start);
      shortest = std::min(shortest, last_labelled - episode_start);
      episode_start = -1;
    }
    if (!now.empty()) previous = now;
  }
  EXPECT_GT(labels["error_burst"], 0u);
  EXPECT_GT(labels["latency_spike"], 0u);
  // 10-40% of the affected service's requests fail in a burst; well under 5% otherwise.
  EXPECT_GT(static_cast<double>(burst_errors) / static_cast<double>(burst_total), 0.08);
  EXPECT_LT(static_cast<double>(normal_errors) / static_cast<double>(normal_total), 0.05);
  EXPECT_LE(longest, 300'000'000);
  EXPECT_GE(shortest, 119'000'000);  // 2 minutes, less the gap before the service's first event
}

TEST(TrafficModel, EventsOutsideEpisodesDoNotDependOnThem) {
  TrafficOptions with = fixed(9), without = fixed(9);
  with.anomaly_interval_us = 60'000'000;
  with.interval_us = without.interval_us = 5'000;
  without.anomaly_interval_us = 0;
  with.label_anomalies = true;
  TrafficModel a(with), b(without);
  Arena arena;
  size_t compared = 0;
  for (int i = 0; i < 100'000; ++i) {
    Event x = a.next(arena), y = b.next(arena);
    if (!x.fields.find("anomaly")->is_null()) continue;
    EXPECT_EQ(x.fields.find("latency_ms")->as_double(), y.fields.find("latency_ms")->as_double());
    EXPECT_EQ(x.fields.find("status")->as_int(), y.fields.find("status")->as_int());
    ++compared;
  }
  EXPECT_GT(compared, 50'000u);
}

TEST(TrafficModel, NoAnomalyFieldUnlessAsked) {
  TrafficModel model(fixed(1));
  Arena arena;
  EXPECT_EQ(model.next(arena).fields.find("anomaly"), nullptr);
}

}  // namespace
}  // namespace sluice::source

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
    o.anomaly_probability = 0;
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

TEST(TrafficModel, AnomalyEpisodesAreLabelledAndChangeTheTraffic) {
  TrafficOptions o = fixed(5);
  o.anomaly_probability = 0.01;
  o.label_anomalies = true;
  TrafficModel model(o);
  Arena arena;
  std::map<std::string, size_t> labels;
  size_t burst_errors = 0, burst_total = 0;
  for (int i = 0; i < 50000; ++i) {
    Event e = model.next(arena);
    const Value* label = e.fields.find("anomaly");
    ASSERT_NE(label, nullptr);
    if (label->is_null()) continue;
    ++labels[std::string(label->as_string())];
    if (label->as_string() == "error_burst") {
      ++burst_total;
      if (e.fields.find("status")->as_int() >= 500) ++burst_errors;
    }
  }
  EXPECT_GT(labels["error_burst"], 0u);
  EXPECT_GT(labels["latency_spike"], 0u);
  // During a burst about 55% of the affected service's requests fail; normally under 1%.
  EXPECT_GT(static_cast<double>(burst_errors) / burst_total, 0.4);
}

TEST(TrafficModel, NoAnomalyFieldUnlessAsked) {
  TrafficModel model(fixed(1));
  Arena arena;
  EXPECT_EQ(model.next(arena).fields.find("anomaly"), nullptr);
}

}  // namespace
}  // namespace sluice::source

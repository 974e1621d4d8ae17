#include "cli/http_load.h"

#include <gtest/gtest.h>

#include <set>

#include "format/json_reader.h"
#include "format/json_writer.h"
#include "support/loopback_http_server.h"

namespace sluice::cli {
namespace {

HttpLoadOptions options_for(const std::string& url, uint64_t count) {
  HttpLoadOptions o;
  o.url = url;
  o.count = count;
  o.batch_size = 64;
  o.concurrency = 3;
  o.timeout_ms = 5000;
  o.traffic.seed = 11;
  o.traffic.start_time_us = 1'795'515'300'000'000;
  return o;
}

// The events the generator produces for these options, as JSON texts.
std::multiset<std::string> expected_events(const HttpLoadOptions& o) {
  source::TrafficModel model(o.traffic);
  Arena arena;
  std::multiset<std::string> out;
  for (uint64_t i = 0; i < o.count; ++i) out.insert(format::to_json(model.next(arena).fields));
  return out;
}

std::multiset<std::string> received_events(testing::LoopbackHttpServer& server, format::BodyFormat body_format) {
  std::multiset<std::string> out;
  format::JsonReader reader;
  for (const auto& request : server.requests()) {
    Batch batch;
    std::vector<format::JsonError> errors;
    EXPECT_TRUE(reader.read_events(request.body, body_format, batch, &errors).is_ok());
    EXPECT_TRUE(errors.empty());
    for (const Event& e : batch.events) out.insert(format::to_json(e.fields));
  }
  return out;
}

TEST(HttpLoad, EveryEventArrivesExactlyOnceAsJsonArrays) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 1000);
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(report->events_sent, 1000u);
  EXPECT_EQ(report->events_accepted, 1000u);
  EXPECT_EQ(report->requests, 16u);  // 15 full batches of 64 and one of 40
  EXPECT_EQ(report->requests_failed, 0u);
  EXPECT_EQ(report->status_counts[200], 16u);
  EXPECT_EQ(received_events(server, format::BodyFormat::kArray), expected_events(o));
  for (const auto& r : server.requests()) {
    EXPECT_NE(r.head.find("Content-Type: application/json"), std::string::npos);
    EXPECT_EQ(r.head.rfind("POST /ingest HTTP/1.1", 0), 0u);
  }
}

TEST(HttpLoad, NdjsonBodiesCarryOneEventPerLine) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 300);
  o.body = LoadBody::kNdjson;
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->events_accepted, 300u);
  EXPECT_EQ(received_events(server, format::BodyFormat::kNdjson), expected_events(o));
  EXPECT_NE(server.requests().at(0).head.find("Content-Type: application/x-ndjson"), std::string::npos);
}

TEST(HttpLoad, ExtraHeadersAreSent) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 10);
  o.headers = {"X-Api-Key: secret-1", "Authorization: Bearer t"};
  std::atomic<bool> stop{false};
  ASSERT_TRUE(run_http_load(o, stop));
  for (const auto& r : server.requests()) {
    EXPECT_NE(r.head.find("X-Api-Key: secret-1"), std::string::npos);
    EXPECT_NE(r.head.find("Authorization: Bearer t"), std::string::npos);
  }
}

TEST(HttpLoad, ErrorStatusesAreCountedNotAccepted) {
  testing::LoopbackHttpServer server(503);
  HttpLoadOptions o = options_for(server.url(), 200);
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->events_sent, 200u);
  EXPECT_EQ(report->events_accepted, 0u);
  EXPECT_EQ(report->requests_failed, report->requests);
  EXPECT_EQ(report->status_counts[503], report->requests);
  EXPECT_EQ(report->transport_errors, 0u);
  EXPECT_EQ(report->first_error, "HTTP status 503");
  EXPECT_NE(format_report(*report).find("503×4"), std::string::npos) << format_report(*report);
}

TEST(HttpLoad, RefusedConnectionsAreTransportErrors) {
  int port = 0;
  {
    testing::LoopbackHttpServer server;  // take a free port, then close it
    port = server.port();
  }
  HttpLoadOptions o = options_for("http://127.0.0.1:" + std::to_string(port) + "/x", 100);
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->events_accepted, 0u);
  EXPECT_EQ(report->transport_errors, report->requests);
  EXPECT_GT(report->requests, 0u);
  EXPECT_FALSE(report->first_error.empty());
}

TEST(HttpLoad, DurationAndRateBoundTheRun) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 0);
  o.duration_us = 400'000;
  o.rate_eps = 2000;
  o.batch_size = 50;
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report);
  EXPECT_GT(report->events_accepted, 0u);
  // 2000 events/s for 0.4 s is 800 events; pacing never runs ahead of schedule.
  EXPECT_LE(report->events_sent, 850u);
  EXPECT_LE(report->latency_p50_ms, report->latency_p90_ms);
  EXPECT_LE(report->latency_p90_ms, report->latency_p99_ms);
  EXPECT_LE(report->latency_p99_ms, report->latency_max_ms);
}

TEST(HttpLoad, StopFlagEndsAnUnboundedRun) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 0);
  o.rate_eps = 100;
  std::atomic<bool> stop{false};
  std::thread stopper([&stop] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  auto report = run_http_load(o, stop);
  stopper.join();
  ASSERT_TRUE(report);
  EXPECT_LT(report->elapsed_s, 5.0);
}

TEST(HttpLoad, PrerenderedBatchesAreSentInTurnAndAShortLastOneIsRenderedAtItsTurn) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 1000);  // 15 batches of 64, one of 40
  o.prerender = 4;
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(report->events_accepted, 1000u);
  EXPECT_EQ(report->requests, 16u);

  // The model's events 0..255 (batches 0-3) sent in turn, then its next 40 events.
  source::TrafficModel model(o.traffic);
  Arena arena;
  std::vector<std::string> model_events;
  for (int i = 0; i < 4 * 64 + 40; ++i)
    model_events.push_back(format::to_json(model.next(arena).fields));
  std::multiset<std::string> expected;
  for (int batch = 0; batch < 15; ++batch) {
    for (int i = 0; i < 64; ++i) expected.insert(model_events[(batch % 4) * 64 + i]);
  }
  for (int i = 0; i < 40; ++i) expected.insert(model_events[4 * 64 + i]);
  EXPECT_EQ(received_events(server, format::BodyFormat::kArray), expected);
}

TEST(HttpLoad, PrerenderingFewerEventsThanOneBatchRendersOnlyTheShortBatch) {
  testing::LoopbackHttpServer server;
  HttpLoadOptions o = options_for(server.url(), 10);
  o.prerender = 8;
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(report->requests, 1u);
  EXPECT_EQ(received_events(server, format::BodyFormat::kArray), expected_events(o));
}

TEST(HttpLoad, PrerenderedBatchesCannotCarryUniqueIds) {
  HttpLoadOptions o = options_for("http://127.0.0.1:1/x", 100);
  o.prerender = 2;
  o.id_field = "seq";
  std::atomic<bool> stop{false};
  auto report = run_http_load(o, stop);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.status().message(),
            "pre-rendered batches repeat their events, so they cannot carry unique ids (seq): use "
            "one or the other");
}

TEST(HttpLoad, BadUrlsAndHeadersAreClearErrors) {
  std::atomic<bool> stop{false};
  auto bad_scheme = run_http_load(options_for("ftp://127.0.0.1/x", 1), stop);
  ASSERT_FALSE(bad_scheme);
  EXPECT_EQ(bad_scheme.status().message(), "invalid URL \"ftp://127.0.0.1/x\": use http:// or https://");
  EXPECT_FALSE(run_http_load(options_for("http://[::1", 1), stop));
  HttpLoadOptions o = options_for("http://127.0.0.1:1/x", 1);
  o.headers = {"no colon here"};
  auto bad_header = run_http_load(o, stop);
  ASSERT_FALSE(bad_header);
  EXPECT_EQ(bad_header.status().message(), "header \"no colon here\" is not \"Name: value\"");
}

}  // namespace
}  // namespace sluice::cli

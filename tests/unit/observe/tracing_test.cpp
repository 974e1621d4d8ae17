// Tracing: sampling decisions, stage spans, the OTLP JSON encoding, and an
// exporter that cannot reach its collector.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "observe/tracing/otlp_json.h"
#include "observe/tracing/tracer.h"

namespace sluice::observe {
namespace {

Tracer::Options options(double sampling, std::string endpoint = "http://127.0.0.1:9/v1/traces") {
  Tracer::Options o;
  o.endpoint = std::move(endpoint);
  o.sampling = sampling;
  return o;
}

TEST(Tracer, ARequestWithATraceparentContinuesItsTraceAndFollowsItsFlag) {
  Tracer t(options(0.0));
  std::array<uint8_t, 8> parent{};
  const TraceContext c = t.begin_request("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &parent);
  EXPECT_TRUE(c.sampled);  // despite a ratio of 0: the caller sampled it
  EXPECT_EQ(hex_id(c.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(hex_id(parent), "00f067aa0ba902b7");
  EXPECT_NE(hex_id(c.span_id), "00f067aa0ba902b7");  // a new span of our own

  Tracer all(options(1.0));
  EXPECT_FALSE(all.begin_request("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", &parent).sampled);
  // Malformed: a new trace with no parent, sampled by the ratio.
  const TraceContext fresh = all.begin_request("00-nonsense", &parent);
  EXPECT_TRUE(fresh.sampled);
  EXPECT_EQ(hex_id(parent), "0000000000000000");
  EXPECT_NE(hex_id(fresh.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(Tracer, NewTracesAreSampledAtTheRatio) {
  Tracer t(options(0.1));
  std::array<uint8_t, 8> parent{};
  int sampled = 0;
  for (int i = 0; i < 20000; ++i) sampled += t.begin_request("", &parent).sampled ? 1 : 0;
  // Binomial(20000, 0.1): mean 2000, sd 42; ±250 is six of them.
  EXPECT_GT(sampled, 1750);
  EXPECT_LT(sampled, 2250);
  Tracer none(options(0.0));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(none.begin_request("", &parent).sampled);
}

TEST(Tracer, AStageSpanIsAChildOfEverySampledParent) {
  Tracer t(options(1.0));
  std::array<uint8_t, 8> none{};
  const TraceContext a = t.begin_request("", &none), b = t.begin_request("", &none);
  TraceContext unsampled = a;
  unsampled.sampled = false;
  std::vector<TraceContext> children;
  Span details;
  details.attribute("sluice.events", int64_t{3});
  t.record_stage({a, b, unsampled}, "transform x", 10, 20, details, &children);
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].trace_id, a.trace_id);
  EXPECT_EQ(children[1].trace_id, b.trace_id);
  EXPECT_NE(children[0].span_id, a.span_id);
}

TEST(OtlpJson, EncodesAnExportTraceServiceRequest) {
  Span s;
  s.context = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  s.parent_span_id = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01")->span_id;
  s.name = "POST /v1/events";
  s.kind = Span::Kind::kServer;
  s.start_unix_ns = 1796000000123456789;
  s.end_unix_ns = 1796000000223456789;
  s.error = true;
  s.error_message = "log \"full\"";
  s.attribute("http.response.status_code", int64_t{503}).attribute("ratio", 0.5).attribute("ok", false)
      .attribute("url.path", std::string("/v1/events"));
  Span root;
  root.context = s.context;
  root.name = "root";
  const std::string json = encode_otlp_json({"sluice", "1.2.3", "p.yaml"}, {s, root});

  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  simdjson::dom::element rs = doc["resourceSpans"].at(0);
  EXPECT_EQ(std::string_view(rs["resource"]["attributes"].at(0)["key"]), "service.name");
  EXPECT_EQ(std::string_view(rs["resource"]["attributes"].at(0)["value"]["stringValue"]), "sluice");
  EXPECT_EQ(std::string_view(rs["resource"]["attributes"].at(2)["value"]["stringValue"]), "p.yaml");
  EXPECT_EQ(std::string_view(rs["scopeSpans"].at(0)["scope"]["name"]), "sluice");
  simdjson::dom::element span = rs["scopeSpans"].at(0)["spans"].at(0);
  EXPECT_EQ(std::string_view(span["traceId"]), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(std::string_view(span["spanId"]), "00f067aa0ba902b7");
  EXPECT_EQ(std::string_view(span["parentSpanId"]), "1111111111111111");
  EXPECT_EQ(int64_t(span["kind"]), 2);
  EXPECT_EQ(std::string_view(span["startTimeUnixNano"]), "1796000000123456789");  // 64-bit as a string
  EXPECT_EQ(std::string_view(span["attributes"].at(0)["value"]["intValue"]), "503");
  EXPECT_EQ(double(span["attributes"].at(1)["value"]["doubleValue"]), 0.5);
  EXPECT_EQ(bool(span["attributes"].at(2)["value"]["boolValue"]), false);
  EXPECT_EQ(int64_t(span["status"]["code"]), 2);
  EXPECT_EQ(std::string_view(span["status"]["message"]), "log \"full\"");
  simdjson::dom::element second = rs["scopeSpans"].at(0)["spans"].at(1);
  EXPECT_TRUE(second["parentSpanId"].error() == simdjson::NO_SUCH_FIELD);  // a root span has none
  EXPECT_EQ(int64_t(second["status"]["code"]), 1);
}

TEST(Tracer, SpansForACollectorThatIsDownAreCountedAsFailed) {
  Tracer::Options o = options(1.0, "http://127.0.0.1:1/v1/traces");  // nothing listens on port 1
  o.export_interval_us = 10'000;
  Tracer t(o);
  t.start();
  std::array<uint8_t, 8> none{};
  for (int i = 0; i < 3; ++i) {
    Span s;
    s.context = t.begin_request("", &none);
    s.name = "x";
    t.record(std::move(s));
  }
  t.stop();
  EXPECT_EQ(t.counts().failed, 3u);
  EXPECT_EQ(t.counts().exported, 0u);
}

TEST(Tracer, AFullQueueDropsAndCounts) {
  Tracer::Options o = options(1.0);
  o.max_queued_spans = 2;
  Tracer t(o);  // not started: nothing drains the queue
  for (int i = 0; i < 5; ++i) t.record(Span{});
  EXPECT_EQ(t.counts().dropped, 3u);
}

}  // namespace
}  // namespace sluice::observe

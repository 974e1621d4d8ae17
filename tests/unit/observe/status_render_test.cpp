// The admin API's documents rendered from a made-up pipeline status.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "observe/metrics_text.h"
#include "observe/status_json.h"

namespace sluice::observe {
namespace {

struct FakePipeline {
  ComponentStats api{"api", ComponentKind::kSource, "http"};
  ComponentStats clean{"clean", ComponentKind::kTransform, "remap"};
  ComponentStats lake{"lake", ComponentKind::kSink, "parquet"};
  PipelineStatus status;

  FakePipeline() {
    status.phase = PipelineStatus::Phase::kRunning;
    status.file = "p.yaml";
    status.group = "sluice";
    status.started_at_us = 1'000'000;
    status.components.push_back({&api, {}, {""}, -1, true, "", 0});
    status.components.push_back({&clean, {"api"}, {"", "dead_letter"}, -1, true, "", 0});
    status.components.push_back({&lake, {"clean"}, {}, 3, true, "", 0});
    status.partitions.push_back({"api", 0, 0, 120, 4096, 1, 0});
    status.backlog.push_back({"sluice", "api", 0, 100, 120});
    api.add_in(120);
    api.add_out(120);
    api.add_bytes_in(5000);
    api.requests.record(200, 1500);
    api.requests.record(503, 100);
    clean.add_in(120);
    clean.add_out(118);
    clean.add_dead_lettered(2);
    clean.batch_seconds.observe_us(250);
    lake.add_in(118);
    lake.add_out(118);
  }
};

// The value of the one sample whose name and labels are exactly `series`.
double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  ADD_FAILURE() << "no sample " << series << " in\n" << text;
  return -1;
}

TEST(MetricsText, CountersMatchTheComponentsStatistics) {
  FakePipeline f;
  RequestStats admin;
  const std::string text = render_metrics(f.status, ProcessStats{}, admin, "1.2.3", 3'000'000);
  EXPECT_EQ(
      sample(text,
             R"(sluice_component_events_out_total{component="api",kind="source",type="http"})"),
      120);
  EXPECT_EQ(
      sample(
          text,
          R"(sluice_component_events_out_total{component="clean",kind="transform",type="remap"})"),
      118);
  EXPECT_EQ(
      sample(
          text,
          R"(sluice_component_dead_lettered_total{component="clean",kind="transform",type="remap"})"),
      2);
  EXPECT_EQ(
      sample(text, R"(sluice_component_bytes_in_total{component="api",kind="source",type="http"})"),
      5000);
  EXPECT_EQ(
      sample(text, R"(sluice_sink_queued_batches{component="lake",kind="sink",type="parquet"})"),
      3);
  EXPECT_EQ(sample(text, R"(sluice_sink_up{component="lake",kind="sink",type="parquet"})"), 1);
  EXPECT_EQ(sample(text, R"(sluice_log_backlog_records{group="sluice",topic="api",partition="0"})"),
            20);
  EXPECT_EQ(sample(text, R"(sluice_http_responses_total{server="api",code="2xx"})"), 1);
  EXPECT_EQ(sample(text, R"(sluice_http_responses_total{server="api",code="5xx"})"), 1);
  EXPECT_EQ(sample(text, R"(sluice_http_request_duration_seconds_count{server="api"})"), 2);
  EXPECT_EQ(
      sample(
          text,
          R"(sluice_component_batch_duration_seconds_count{component="clean",kind="transform",type="remap"})"),
      1);
  EXPECT_EQ(sample(text, "sluice_uptime_seconds"), 2);
  EXPECT_EQ(sample(text, R"(sluice_pipeline_phase{phase="running"})"), 1);
  // Transforms have no bytes: no series claims a number that was never measured.
  EXPECT_EQ(text.find(R"(sluice_component_bytes_out_total{component="clean")"), std::string::npos);
}

TEST(MetricsText, SizesALogDoesNotKnowGetNoSampleButOffsetsDo) {
  FakePipeline f;
  f.status.partitions.push_back({"api", 1, 5, 80, -1, -1, 0});  // as Kafka reports a partition
  const std::string text = render_metrics(f.status, ProcessStats{}, RequestStats{}, "1", 0);
  EXPECT_EQ(sample(text, R"(sluice_log_bytes{topic="api",partition="0"})"), 4096);
  EXPECT_EQ(text.find(R"(sluice_log_bytes{topic="api",partition="1"})"), std::string::npos);
  EXPECT_EQ(text.find(R"(sluice_log_segments{topic="api",partition="1"})"), std::string::npos);
  EXPECT_EQ(sample(text, R"(sluice_log_end_offset{topic="api",partition="1"})"), 80);
}

TEST(MetricsText, TracingAndHistorySeriesOnlyWhenTheyAreOn) {
  FakePipeline f;
  const std::string off = render_metrics(f.status, ProcessStats{}, RequestStats{}, "1", 0);
  EXPECT_NE(off.find("# TYPE sluice_trace_spans_total counter"), std::string::npos);
  EXPECT_EQ(off.find("sluice_trace_spans_total{"), std::string::npos);
  EXPECT_EQ(off.find("sluice_history_records_total{"), std::string::npos);
  f.status.tracing_enabled = true;
  f.status.spans_exported = 40;
  f.status.spans_dropped = 1;
  f.status.spans_failed = 5;
  f.status.history_enabled = true;
  f.status.history_records = 7;
  f.status.history_failures = 2;
  const std::string on = render_metrics(f.status, ProcessStats{}, RequestStats{}, "1", 0);
  EXPECT_EQ(sample(on, R"(sluice_trace_spans_total{result="exported"})"), 40);
  EXPECT_EQ(sample(on, R"(sluice_trace_spans_total{result="dropped"})"), 1);
  EXPECT_EQ(sample(on, R"(sluice_trace_spans_total{result="failed"})"), 5);
  EXPECT_EQ(sample(on, R"(sluice_history_records_total{result="ok"})"), 7);
  EXPECT_EQ(sample(on, R"(sluice_history_records_total{result="failed"})"), 2);
}

TEST(MetricsText, EveryFamilyIsDeclaredOnceBeforeItsSamples) {
  FakePipeline f;
  const std::string text = render_metrics(f.status, ProcessStats{}, RequestStats{}, "1", 0);
  std::set<std::string> declared;
  std::istringstream in(text);
  std::string line;
  const std::regex type_line(R"(# TYPE (\S+) (counter|gauge|histogram))");
  const std::regex sample_line(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? \S+)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, type_line)) {
      EXPECT_TRUE(declared.insert(m[1]).second) << "declared twice: " << m[1];
    } else if (line.rfind("# HELP", 0) == 0) {
      continue;
    } else {
      ASSERT_TRUE(std::regex_match(line, m, sample_line)) << line;
      std::string family = m[1];
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (!declared.count(family) && family.ends_with(suffix))
          family.resize(family.size() - strlen(suffix));
      }
      EXPECT_TRUE(declared.count(family)) << "sample before its family: " << line;
    }
  }
}

TEST(StatusJson, ReadyOnlyWhileRunningWithTheLogAndEverySinkWorking) {
  FakePipeline f;
  EXPECT_TRUE(render_ready(f.status).ready);
  f.status.components[2].healthy = false;
  f.status.components[2].error = "write: disk full";
  Readiness r = render_ready(f.status);
  EXPECT_FALSE(r.ready);
  EXPECT_NE(r.json.find(R"("lake":{"ok":false,"error":"write: disk full")"), std::string::npos)
      << r.json;
  f.status.components[2].healthy = true;
  f.status.log_ok = false;
  EXPECT_FALSE(render_ready(f.status).ready);
  f.status.log_ok = true;
  f.status.phase = PipelineStatus::Phase::kStopping;
  EXPECT_FALSE(render_ready(f.status).ready);
}

TEST(StatusJson, ComponentsCarryTheGraphAndTheirCounters) {
  FakePipeline f;
  const std::string json = render_components(f.status, 2'000'000);
  EXPECT_NE(
      json.find(
          R"({"name":"clean","kind":"transform","type":"remap","inputs":["api"],"outputs":["","dead_letter"],"events_in":120,"events_out":118)"),
      std::string::npos)
      << json;
  EXPECT_NE(
      json.find(
          R"("edges":[{"from":"api","port":"","to":"clean"},{"from":"clean","port":"","to":"lake"}])"),
      std::string::npos);
  EXPECT_NE(
      json.find(
          R"("backlog":[{"group":"sluice","topic":"api","partition":0,"committed":100,"end_offset":120,"lag":20}])"),
      std::string::npos);
}

TEST(MetricsText, AGroupsShareAndHandoversOnlyWhenTheInstanceSharesPartitions) {
  FakePipeline f;
  const std::string alone = render_metrics(f.status, ProcessStats{}, RequestStats{}, "1", 0);
  EXPECT_NE(alone.find("# TYPE sluice_group_partitions_owned gauge"), std::string::npos);
  EXPECT_EQ(alone.find("sluice_group_partitions_owned{"), std::string::npos);
  EXPECT_EQ(render_components(f.status, 0).find("group_share"), std::string::npos);
  f.status.in_group = true;
  f.status.owned_partitions = {{"api", 2}};
  f.status.handovers = 5;
  f.status.incomplete_handovers = 1;
  f.status.lost_shares = 2;
  const std::string shared = render_metrics(f.status, ProcessStats{}, RequestStats{}, "1", 0);
  EXPECT_EQ(sample(shared, R"(sluice_group_partitions_owned{topic="api"})"), 2);
  EXPECT_EQ(sample(shared, R"(sluice_group_handovers_total{result="complete"})"), 4);
  EXPECT_EQ(sample(shared, R"(sluice_group_handovers_total{result="incomplete"})"), 1);
  EXPECT_EQ(sample(shared, R"(sluice_group_handovers_total{result="lost"})"), 2);
  EXPECT_NE(
      render_components(f.status, 0)
          .find(
              R"("group_share":{"owned_partitions":{"api":2},"handovers":5,"incomplete_handovers":1,"lost_shares":2})"),
      std::string::npos);
}

}  // namespace
}  // namespace sluice::observe

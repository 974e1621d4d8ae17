#include "observe/status_json.h"

#include "observe/json_out.h"

namespace sluice::observe {

namespace {

double uptime_seconds(const PipelineStatus& st, int64_t now_us) {
  return st.started_at_us > 0 ? static_cast<double>(now_us - st.started_at_us) / 1e6 : 0.0;
}

void percentiles(JsonOut& j, const Histogram::Snapshot& h) {
  j.begin_object();
  j.key("count").value(h.count);
  j.key("sum_seconds").value(h.sum_seconds);
  j.key("p50_seconds").value(Histogram::quantile(h, 0.50));
  j.key("p95_seconds").value(Histogram::quantile(h, 0.95));
  j.key("p99_seconds").value(Histogram::quantile(h, 0.99));
  j.end_object();
}

}  // namespace

std::string render_health(const PipelineStatus& st, std::string_view version, int64_t now_us) {
  JsonOut j;
  j.begin_object();
  j.key("status").value("ok");
  j.key("phase").value(phase_name(st.phase));
  j.key("uptime_seconds").value(uptime_seconds(st, now_us));
  j.key("version").value(version);
  j.end_object();
  return j.take();
}

Readiness render_ready(const PipelineStatus& st) {
  const bool running = st.phase == PipelineStatus::Phase::kRunning;
  bool sinks_ok = true;
  for (const ComponentStatus& c : st.components) sinks_ok = sinks_ok && c.healthy;
  Readiness r;
  r.ready = running && st.log_ok && sinks_ok;
  JsonOut j;
  j.begin_object();
  j.key("ready").value(r.ready);
  j.key("phase").value(phase_name(st.phase));
  j.key("checks").begin_object();
  j.key("log").begin_object().key("ok").value(st.log_ok);
  if (!st.log_ok) j.key("error").value(st.log_error);
  j.end_object();
  j.key("sinks").begin_object();
  for (const ComponentStatus& c : st.components) {
    if (c.stats->kind() != ComponentKind::kSink) continue;
    j.key(c.stats->name()).begin_object().key("ok").value(c.healthy);
    if (!c.healthy) {
      j.key("error").value(c.error);
      j.key("failing_since_us").value(c.failing_since_us);
    }
    j.end_object();
  }
  j.end_object();
  j.end_object();
  j.end_object();
  r.json = j.take();
  return r;
}

std::string render_components(const PipelineStatus& st, int64_t now_us) {
  JsonOut j;
  j.begin_object();
  j.key("phase").value(phase_name(st.phase));
  j.key("file").value(st.file);
  j.key("group").value(st.group);
  j.key("uptime_seconds").value(uptime_seconds(st, now_us));
  j.key("time_us").value(now_us);
  j.key("components").begin_array();
  for (const ComponentStatus& c : st.components) {
    const ComponentStats& s = *c.stats;
    const StatsSnapshot n = s.snapshot();
    j.begin_object();
    j.key("name").value(s.name());
    j.key("kind").value(component_kind_name(s.kind()));
    j.key("type").value(s.type());
    j.key("inputs").begin_array();
    for (const std::string& input : c.inputs) j.value(input);
    j.end_array();
    j.key("outputs").begin_array();
    for (const std::string& port : c.outputs) j.value(port);
    j.end_array();
    j.key("events_in").value(n.events_in);
    j.key("events_out").value(n.events_out);
    j.key("bytes_in").value(n.bytes_in);
    j.key("bytes_out").value(n.bytes_out);
    j.key("batches").value(n.batches);
    j.key("errors").value(n.errors);
    j.key("dead_lettered").value(n.dead_lettered);
    j.key("discarded").value(n.discarded);
    j.key("late").value(n.late);
    j.key("evicted").value(n.evicted);
    j.key("state_entries").value(n.state_entries);
    j.key("already_written").value(n.already_written);
    j.key("promoted").value(n.promoted);
    j.key("batch_latency");
    percentiles(j, s.batch_seconds.snapshot());
    if (s.kind() == ComponentKind::kSource && s.requests.duration.snapshot().count > 0) {
      j.key("request_latency");
      percentiles(j, s.requests.duration.snapshot());
    }
    if (c.queued_batches >= 0) j.key("queued_batches").value(c.queued_batches);
    if (s.kind() == ComponentKind::kSink) {
      j.key("healthy").value(c.healthy);
      if (!c.healthy) j.key("error").value(c.error);
    }
    j.key("notes").begin_object();
    for (const auto& [key, line] : s.notes.snapshot()) j.key(key).value(line);
    j.end_object();
    j.end_object();
  }
  j.end_array();
  // The graph: one edge per input, from the output it reads ("name" or "name.port").
  j.key("edges").begin_array();
  for (const ComponentStatus& c : st.components) {
    for (const std::string& input : c.inputs) {
      const size_t dot = input.find('.');
      j.begin_object();
      j.key("from").value(input.substr(0, dot));
      j.key("port").value(dot == std::string::npos ? std::string() : input.substr(dot + 1));
      j.key("to").value(c.stats->name());
      j.end_object();
    }
  }
  j.end_array();
  j.key("delivery_latency").begin_object();
  for (const auto& [topic, h] : st.delivery) {
    j.key(topic);
    percentiles(j, h);
  }
  j.end_object();
  j.key("log").begin_object();
  j.key("ok").value(st.log_ok);
  if (!st.log_ok) j.key("error").value(st.log_error);
  j.key("partitions").begin_array();
  for (const PartitionStatus& p : st.partitions) {
    j.begin_object();
    j.key("topic").value(p.topic);
    j.key("partition").value(p.partition);
    j.key("start_offset").value(p.start_offset);
    j.key("end_offset").value(p.end_offset);
    j.key("bytes").value(p.bytes);
    j.key("segments").value(p.segments);
    j.key("corrupt_batches").value(p.corrupt_batches);
    j.end_object();
  }
  j.end_array();
  j.key("backlog").begin_array();
  for (const BacklogStatus& b : st.backlog) {
    j.begin_object();
    j.key("group").value(b.group);
    j.key("topic").value(b.topic);
    j.key("partition").value(b.partition);
    j.key("committed").value(b.committed);
    j.key("end_offset").value(b.end_offset);
    j.key("lag").value(b.lag());
    j.end_object();
  }
  j.end_array();
  j.key("backlog_truncated").value(st.backlog_truncated);
  j.end_object();
  j.key("queued_source_batches").value(st.queued_source_batches);
  j.key("pending_checkpoints").value(st.pending_checkpoints);
  j.key("offset_commits").value(st.offset_commits);
  if (st.in_group) {
    j.key("group_share").begin_object();
    j.key("owned_partitions").begin_object();
    for (const auto& [topic, owned] : st.owned_partitions) j.key(topic).value(owned);
    j.end_object();
    j.key("handovers").value(st.handovers);
    j.key("incomplete_handovers").value(st.incomplete_handovers);
    j.key("lost_shares").value(st.lost_shares);
    j.end_object();
  }
  j.end_object();
  return j.take();
}

}  // namespace sluice::observe

#include "observe/metrics_text.h"

#include <fmt/format.h>

#include "observe/prometheus.h"

namespace sluice::observe {

namespace {

using Type = PrometheusWriter::Type;

Labels component_labels(const ComponentStats& s) {
  return {{"component", s.name()}, {"kind", component_kind_name(s.kind())}, {"type", s.type()}};
}

// The requests an HTTP server answered: responses per status class, and their durations.
void add_requests(PrometheusWriter& w, const std::string& server, const RequestStats& r) {
  for (int status_class = 1; status_class <= 5; ++status_class) {
    w.sample("sluice_http_responses_total",
             {{"server", server}, {"code", fmt::format("{}xx", status_class)}},
             static_cast<double>(r.responses(status_class)));
  }
}

}  // namespace

std::string render_metrics(const PipelineStatus& st, const ProcessStats& process,
                           const RequestStats& admin, std::string_view version, int64_t now_us) {
  PrometheusWriter w;
  w.family("sluice_build_info", Type::kGauge,
           "Always 1; the version of the running binary is its label.");
  w.sample("sluice_build_info", {{"version", std::string(version)}}, 1);
  w.family("sluice_pipeline_phase", Type::kGauge,
           "1 for the phase the pipeline is in (starting, running, stopping, stopped), 0 for the "
           "others.");
  for (auto phase : {PipelineStatus::Phase::kStarting, PipelineStatus::Phase::kRunning,
                     PipelineStatus::Phase::kStopping, PipelineStatus::Phase::kStopped}) {
    w.sample("sluice_pipeline_phase", {{"phase", phase_name(phase)}}, st.phase == phase ? 1 : 0);
  }

  std::vector<StatsSnapshot> snaps;
  snaps.reserve(st.components.size());
  for (const ComponentStatus& c : st.components) snaps.push_back(c.stats->snapshot());
  size_t i = 0;
  const auto each = [&](std::string_view name, Type type, std::string_view help,
                        uint64_t StatsSnapshot::*field) {
    w.family(name, type, help);
    i = 0;
    for (const ComponentStatus& c : st.components) {
      w.sample(name, component_labels(*c.stats), static_cast<double>(snaps[i++].*field));
    }
  };
  each("sluice_component_events_in_total", Type::kCounter, "Events a component took in.",
       &StatsSnapshot::events_in);
  each("sluice_component_events_out_total", Type::kCounter,
       "Events a component passed on (sources: appended to the log; sinks: written).",
       &StatsSnapshot::events_out);
  each("sluice_component_batches_total", Type::kCounter, "Batches a component handled.",
       &StatsSnapshot::batches);
  each("sluice_component_errors_total", Type::kCounter,
       "Failed operations: rejected requests, failed sink writes and flushes (each retry counts).",
       &StatsSnapshot::errors);
  each("sluice_component_dead_lettered_total", Type::kCounter,
       "Events sent to the component's dead_letter output.", &StatsSnapshot::dead_lettered);
  each("sluice_component_discarded_total", Type::kCounter,
       "Events on an output that no component reads.", &StatsSnapshot::discarded);
  each("sluice_component_late_total", Type::kCounter,
       "Events that reached a window after it had closed.", &StatsSnapshot::late);
  each("sluice_component_evicted_windows_total", Type::kCounter,
       "Windows emitted before they were complete, to bound state.", &StatsSnapshot::evicted);
  each("sluice_component_already_written_total", Type::kCounter,
       "Replayed events a sink found it already held, or a stateful transform found in its state, "
       "and did not take again.",
       &StatsSnapshot::already_written);
  each("sluice_component_promoted_columns_total", Type::kCounter,
       "Columns a sink widened to a new type.", &StatsSnapshot::promoted);
  each("sluice_component_state_entries", Type::kGauge,
       "Entries (open windows, keys) a stateful transform holds now.",
       &StatsSnapshot::state_entries);

  // Bytes are measured only where they mean something: what a source received and
  // appended, what a sink wrote. Transforms work on decoded events and have none.
  w.family("sluice_component_bytes_in_total", Type::kCounter,
           "Bytes a source received (request bodies, decoded).");
  i = 0;
  for (const ComponentStatus& c : st.components) {
    if (c.stats->kind() == ComponentKind::kSource)
      w.sample("sluice_component_bytes_in_total", component_labels(*c.stats),
               static_cast<double>(snaps[i].bytes_in));
    ++i;
  }
  w.family("sluice_component_bytes_out_total", Type::kCounter,
           "Bytes a source appended to the log (encoded records) or a sink wrote.");
  i = 0;
  for (const ComponentStatus& c : st.components) {
    if (c.stats->kind() != ComponentKind::kTransform)
      w.sample("sluice_component_bytes_out_total", component_labels(*c.stats),
               static_cast<double>(snaps[i].bytes_out));
    ++i;
  }

  w.family("sluice_component_batch_duration_seconds", Type::kHistogram,
           "Time to handle one batch: a source's append to the log, a transform's processing, a "
           "sink's write "
           "including retries.");
  for (const ComponentStatus& c : st.components) {
    w.histogram("sluice_component_batch_duration_seconds", component_labels(*c.stats),
                c.stats->batch_seconds.snapshot());
  }

  w.family("sluice_sink_queued_batches", Type::kGauge,
           "Batches handed to a sink and not yet written by it.");
  for (const ComponentStatus& c : st.components) {
    if (c.queued_batches >= 0)
      w.sample("sluice_sink_queued_batches", component_labels(*c.stats),
               static_cast<double>(c.queued_batches));
  }
  w.family("sluice_sink_up", Type::kGauge,
           "1 while a sink's writes succeed, 0 while they fail and are retried.");
  for (const ComponentStatus& c : st.components) {
    if (c.stats->kind() == ComponentKind::kSink)
      w.sample("sluice_sink_up", component_labels(*c.stats), c.healthy ? 1 : 0);
  }
  w.family("sluice_pipeline_queued_batches", Type::kGauge,
           "Batches read from the log and waiting for the transforms.");
  w.sample("sluice_pipeline_queued_batches", {}, static_cast<double>(st.queued_source_batches));
  w.family("sluice_pipeline_pending_checkpoints", Type::kGauge,
           "Checkpoints of window state waiting for the sinks to make their output durable.");
  w.sample("sluice_pipeline_pending_checkpoints", {}, static_cast<double>(st.pending_checkpoints));
  w.family("sluice_offset_commits_total", Type::kCounter,
           "Commits of consumer offsets to the log.");
  w.sample("sluice_offset_commits_total", {}, static_cast<double>(st.offset_commits));
  w.family("sluice_group_partitions_owned", Type::kGauge,
           "Partitions of each topic this instance reads: its share of the group's (all of them on "
           "the embedded log; with stateful transforms all on the active instance, none on the "
           "others).");
  if (st.in_group) {
    for (const auto& [topic, owned] : st.owned_partitions)
      w.sample("sluice_group_partitions_owned", {{"topic", topic}}, static_cast<double>(owned));
  }
  w.family("sluice_group_handovers_total", Type::kCounter,
           "Times this instance let its partitions go to a rebalance: complete (everything read "
           "was durable and committed), incomplete (the next owner reads the rest again) or lost "
           "(taken while this instance did not answer; nothing committed for them after).");
  if (st.in_group) {
    w.sample("sluice_group_handovers_total", {{"result", "complete"}},
             static_cast<double>(st.handovers - st.incomplete_handovers));
    w.sample("sluice_group_handovers_total", {{"result", "incomplete"}},
             static_cast<double>(st.incomplete_handovers));
    w.sample("sluice_group_handovers_total", {{"result", "lost"}},
             static_cast<double>(st.lost_shares));
  }
  w.family("sluice_trace_spans_total", Type::kCounter,
           "Trace spans by result: exported to the collector, dropped (queue full) or failed (the collector "
           "did not take them); absent without tracing.");
  if (st.tracing_enabled) {
    w.sample("sluice_trace_spans_total", {{"result", "exported"}}, static_cast<double>(st.spans_exported));
    w.sample("sluice_trace_spans_total", {{"result", "dropped"}}, static_cast<double>(st.spans_dropped));
    w.sample("sluice_trace_spans_total", {{"result", "failed"}}, static_cast<double>(st.spans_failed));
  }
  w.family("sluice_history_records_total", Type::kCounter,
           "Records of the metrics history (data_dir/metrics_history.db) by result; absent when it is off.");
  if (st.history_enabled) {
    w.sample("sluice_history_records_total", {{"result", "ok"}}, static_cast<double>(st.history_records));
    w.sample("sluice_history_records_total", {{"result", "failed"}}, static_cast<double>(st.history_failures));
  }

  w.family("sluice_delivery_latency_seconds", Type::kHistogram,
           "Per event: time from its append to the log (the producer's acknowledgement) until "
           "every sink held it "
           "durably and its offset was committed.");
  for (const auto& [topic, h] : st.delivery)
    w.histogram("sluice_delivery_latency_seconds", {{"topic", topic}}, h);

  w.family("sluice_log_up", Type::kGauge,
           "1 while the log answers, 0 when reading its state failed.");
  w.sample("sluice_log_up", {}, st.log_ok ? 1 : 0);
  w.family("sluice_log_bytes", Type::kGauge, "Bytes of a log partition's segment files on disk.");
  // A log that does not know a partition's size (Kafka's) gets no sample rather than a made-up one.
  for (const PartitionStatus& p : st.partitions) {
    if (p.bytes < 0) continue;
    w.sample("sluice_log_bytes", {{"topic", p.topic}, {"partition", std::to_string(p.partition)}},
             static_cast<double>(p.bytes));
  }
  w.family("sluice_log_segments", Type::kGauge, "Segment files of a log partition.");
  for (const PartitionStatus& p : st.partitions) {
    if (p.segments < 0) continue;
    w.sample("sluice_log_segments",
             {{"topic", p.topic}, {"partition", std::to_string(p.partition)}},
             static_cast<double>(p.segments));
  }
  w.family("sluice_log_end_offset", Type::kGauge,
           "The offset the next record appended to a partition gets.");
  for (const PartitionStatus& p : st.partitions) {
    w.sample("sluice_log_end_offset",
             {{"topic", p.topic}, {"partition", std::to_string(p.partition)}},
             static_cast<double>(p.end_offset));
  }
  w.family("sluice_log_corrupt_batches_total", Type::kCounter,
           "Stored batches that failed their checksum and were skipped.");
  for (const PartitionStatus& p : st.partitions) {
    w.sample("sluice_log_corrupt_batches_total",
             {{"topic", p.topic}, {"partition", std::to_string(p.partition)}},
             static_cast<double>(p.corrupt_batches));
  }
  w.family("sluice_log_backlog_records", Type::kGauge,
           "Records appended to a partition that a consumer group has not committed yet.");
  for (const BacklogStatus& b : st.backlog) {
    w.sample("sluice_log_backlog_records",
             {{"group", b.group}, {"topic", b.topic}, {"partition", std::to_string(b.partition)}},
             static_cast<double>(b.lag()));
  }

  // HTTP: the admin server, and every source that serves HTTP (those that answered at least once).
  const auto serves_http = [](const ComponentStatus& c) {
    return c.stats->kind() == ComponentKind::kSource &&
           c.stats->requests.duration.snapshot().count > 0;
  };
  w.family("sluice_http_responses_total", Type::kCounter,
           "HTTP responses per server (admin, or the source's name) and status class.");
  add_requests(w, "admin", admin);
  for (const ComponentStatus& c : st.components) {
    if (serves_http(c)) add_requests(w, c.stats->name(), c.stats->requests);
  }
  w.family("sluice_http_request_duration_seconds", Type::kHistogram,
           "Time from a request's headers being read to its response being sent; for ingest, this "
           "includes the "
           "append to the log (the acknowledgement latency).");
  w.histogram("sluice_http_request_duration_seconds", {{"server", "admin"}},
              admin.duration.snapshot());
  for (const ComponentStatus& c : st.components) {
    if (serves_http(c)) {
      w.histogram("sluice_http_request_duration_seconds", {{"server", c.stats->name()}},
                  c.stats->requests.duration.snapshot());
    }
  }

  // The process, under the names Prometheus' client libraries use.
  w.family("process_cpu_seconds_total", Type::kCounter, "User and system CPU time spent.");
  w.sample("process_cpu_seconds_total", {}, process.cpu_seconds);
  w.family("process_resident_memory_bytes", Type::kGauge, "Resident memory.");
  w.sample("process_resident_memory_bytes", {}, static_cast<double>(process.resident_bytes));
  w.family("process_open_fds", Type::kGauge, "Open file descriptors.");
  w.sample("process_open_fds", {}, static_cast<double>(process.open_fds));
  w.family("process_max_fds", Type::kGauge, "The limit of open file descriptors.");
  w.sample("process_max_fds", {}, static_cast<double>(process.max_fds));
  w.family("process_start_time_seconds", Type::kGauge,
           "When the process started, in seconds since the Unix epoch.");
  w.sample("process_start_time_seconds", {}, process.start_time_seconds);
  w.family("sluice_uptime_seconds", Type::kGauge, "Seconds since the pipeline started running.");
  w.sample("sluice_uptime_seconds", {},
           st.started_at_us > 0 ? static_cast<double>(now_us - st.started_at_us) / 1e6 : 0.0);
  return w.text();
}

}  // namespace sluice::observe

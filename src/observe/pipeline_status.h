// PipelineStatus: a consistent-enough picture of a running pipeline, taken on
// demand for /metrics, /ready and /api/v1/components.
//
// Plain data, filled by the runtime (Pipeline::status()) and rendered here, so
// the renderers need neither the runtime nor the log. Counters are read from each
// component's ComponentStats at render time; everything else is copied in.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "observe/component_stats.h"
#include "observe/histogram.h"

namespace sluice::observe {

struct ComponentStatus {
  const ComponentStats* stats = nullptr;  // outlives the status (owned by the pipeline)
  std::vector<std::string> inputs;        // "name" or "name.port"
  std::vector<std::string> outputs;       // port names; "" is the default output
  int64_t queued_batches = -1;            // sinks: batches waiting for it; -1 for others
  bool healthy = true;                    // sinks: false while writes fail and are retried
  std::string error;                      // the last failure, while unhealthy
  int64_t failing_since_us = 0;
};

struct PartitionStatus {
  std::string topic;
  int32_t partition = 0;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int64_t bytes = 0;
  int64_t segments = 0;
  uint64_t corrupt_batches = 0;
};

struct BacklogStatus {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  int64_t committed = 0;
  int64_t end_offset = 0;
  int64_t lag() const { return end_offset > committed ? end_offset - committed : 0; }
};

struct PipelineStatus {
  enum class Phase { kStarting, kRunning, kStopping, kStopped };
  Phase phase = Phase::kStarting;
  std::string file;
  std::string group;          // the pipeline's consumer group
  int64_t started_at_us = 0;  // wall clock
  bool log_ok = true;
  std::string log_error;
  std::vector<ComponentStatus> components;  // sources, transforms, sinks, in file order
  std::vector<PartitionStatus> partitions;
  std::vector<BacklogStatus> backlog;  // bounded: the pipeline's group first, then up to kMaxGroups
  bool backlog_truncated = false;
  std::vector<std::pair<std::string, Histogram::Snapshot>> delivery;  // per topic
  uint64_t queued_source_batches = 0;  // read from the log, waiting for the pipeline thread
  uint64_t pending_checkpoints = 0;
  uint64_t offset_commits = 0;
  // Shares partitions with other instances of the group (Log::join); without it, reads them all.
  bool in_group = false;
  std::vector<std::pair<std::string, int64_t>> owned_partitions;  // per topic read
  uint64_t handovers = 0;                                         // times partitions were let go
  uint64_t incomplete_handovers = 0;  // ... with output not durable yet (read again elsewhere)
  uint64_t lost_shares = 0;           // shares the brokers took while this instance did not answer
  bool history_enabled = false;  // metrics history (history/): records written and failed
  uint64_t history_records = 0;
  uint64_t history_failures = 0;
  bool tracing_enabled = false;  // OTLP export of trace spans: exported, dropped (queue full), failed
  uint64_t spans_exported = 0;
  uint64_t spans_dropped = 0;
  uint64_t spans_failed = 0;

  static constexpr size_t kMaxGroups = 16;
};

const char* phase_name(PipelineStatus::Phase phase);

}  // namespace sluice::observe

// Pipeline: a validated pipeline file turned into running components.
//
// Data path: sources append to their log topics (topic_writer.h) and acknowledge
// their producers once the log has it. One reader thread per topic reads from the
// consumer group's committed offsets (topic_reader.h) into a bounded queue; the
// pipeline thread takes batches one at a time through the transform graph and
// hands the results, shared and read-only, to the sinks' queues (one thread per
// sink, SinkRunner). Offsets are committed only once every sink has made its
// output durable (commit_tracker.h): a crash replays what was not committed.
// Every queue is bounded, so a slow sink slows reading, never the producers,
// until the log's own bounds are reached.
//
// run() returns when every source has finished and everything they appended was
// read and written (a bounded generator), or when request_stop() was called; in
// both cases only after every sink flushed and closed and the offsets were committed.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/status.h"
#include "observe/component_stats.h"
#include "log/log.h"
#include "runtime/registry.h"

namespace sluice::runtime {

struct RunOptions {
  log::Log* log = nullptr;  // null: open the log the pipeline file describes
  int64_t summary_interval_us = 0;        // print a live summary to stderr this often; 0: never
  int64_t shutdown_timeout_us = 30'000'000;  // how long a failing sink may retry after stop
  size_t source_queue_batches = 16;
  size_t sink_queue_batches = 16;
};

class Pipeline {
 public:
  ~Pipeline();

  // Builds every component; errors name the component.
  static Result<std::unique_ptr<Pipeline>> build(const PipelineConfig& config, const Registry& registry,
                                                 const RunOptions& options = {});

  Status run();
  // Safe to call from any thread (not from a signal handler: set a flag and call it).
  void request_stop();

  const std::vector<std::unique_ptr<observe::ComponentStats>>& stats() const { return stats_; }
  log::Log& log() { return *log_; }

 private:
  struct Node;
  class SourceContextImpl;

  Pipeline() = default;
  void pipeline_loop();
  void read_loop(size_t node);
  void deliver(size_t node, const std::shared_ptr<const Batch>& batch);
  void route_outputs(size_t node, std::vector<Batch>& ports);
  void flush_transforms();

  std::unique_ptr<log::Log> owned_log_;
  log::Log* log_ = nullptr;
  PipelineConfig config_;
  RunOptions options_;
  std::vector<std::unique_ptr<observe::ComponentStats>> stats_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<size_t> transform_order_;  // topological
  std::atomic<bool> stopping_{false};
  struct Shared;
  std::unique_ptr<Shared> shared_;
};

}  // namespace sluice::runtime

// Pipeline: a validated pipeline file turned into running components.
//
// Threads: one per source, one pipeline thread that runs every transform, and one
// per sink (SinkRunner). Sources push batches into a bounded queue; the pipeline
// thread takes them one at a time through the transform graph and hands the
// results, shared and read-only, to the sinks' queues. Every queue is bounded, so
// a slow sink slows its inputs instead of growing memory.
//
// run() returns when every source has finished (a bounded generator) or when
// request_stop() was called, and only after everything in flight was handed to
// the sinks and every sink has flushed and closed.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/status.h"
#include "observe/component_stats.h"
#include "runtime/registry.h"

namespace sluice::runtime {

struct RunOptions {
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

 private:
  struct Node;
  class SourceContextImpl;

  Pipeline() = default;
  void pipeline_loop();
  void deliver(size_t node, const std::shared_ptr<const Batch>& batch);
  void route_outputs(size_t node, std::vector<Batch>& ports);
  void flush_transforms();

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

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
//
// Stateful transforms (windows) change how offsets are committed: their state is
// checkpointed with the offsets it reflects (checkpoint_store.h), offsets advance
// only at checkpoints, and a restart loads the state and resumes exactly after it.
// At the end of bounded input they are flushed; on a stop they are checkpointed
// instead, so a later start continues the same windows.
//
// Several instances can run the same pipeline on a shared log (Kafka): they join
// the group (Log::join) and each reads its share of the partitions; when shares
// move, an instance hands its partitions over only after committing what its sinks
// made durable (partition_handover.h). Stateful transforms on a shared log: by
// default (log: stateful: partitioned) each reads a repartition topic keyed by its
// state key, and the instances split its partitions like any other, each partition's
// state checkpointed on its own (partitioned_state.h); with active_standby the
// instances take turns — the active one reads everything and checkpoints into the
// log, the others stand by to restore that checkpoint when it goes.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/status.h"
#include "governance/audit_log.h"
#include "log/log.h"
#include "observe/component_stats.h"
#include "observe/pipeline_status.h"
#include "observe/tracing/tracer.h"
#include "runtime/checkpoint_store.h"
#include "runtime/delivery_latency.h"
#include "runtime/lineage_recorder.h"
#include "runtime/partition_handover.h"
#include "runtime/partitioned_state.h"
#include "runtime/read_gate.h"
#include "runtime/registry.h"
#include "runtime/repartition_plan.h"
#include "runtime/trace_registry.h"

namespace sluice::runtime {

struct RunOptions {
  log::Log* log = nullptr;  // null: open the log the pipeline file describes
  int64_t summary_interval_us = 0;        // print a live summary to stderr this often; 0: never
  int64_t shutdown_timeout_us = 30'000'000;  // how long a failing sink may retry after stop
  size_t source_queue_batches = 16;
  size_t sink_queue_batches = 16;
  observe::Tracer* tracer = nullptr;  // set: sampled ingest requests are traced through every stage
  governance::AuditLog* audit = nullptr;  // set: sources write refused requests to it
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
  // What /metrics, /ready and /api/v1/components show; safe from any thread, at
  // any time between build() and destruction.
  observe::PipelineStatus status();
  log::Log& log() { return *log_; }

 private:
  struct Node;
  class SourceContextImpl;

  Pipeline() = default;
  void pipeline_loop();
  void read_loop(size_t node);
  void deliver(size_t node, const std::shared_ptr<const Batch>& batch);
  std::shared_ptr<const Batch> guard_sink(size_t node, const std::shared_ptr<const Batch>& batch);
  void route_outputs(size_t node, std::vector<Batch>& ports);
  // Hands each sink what reached it in this round, merged (sink_round.h).
  void end_round();
  void flush_transforms();
  void tick_transforms(int64_t now_us);
  void trace_transform(const Node& node, const Batch& in, std::vector<Batch>& ports, int64_t started_ns);
  void take_checkpoint();
  Status resume_from_checkpoint(const std::string& group, const log::KeyRing& keys);

  std::unique_ptr<log::Log> owned_log_;
  log::Log* log_ = nullptr;
  PipelineConfig config_;
  RunOptions options_;
  std::vector<std::unique_ptr<observe::ComponentStats>> stats_;
  DeliveryLatency delivery_;
  TraceRegistry traces_;
  std::unique_ptr<LineageRecorder> lineage_;  // with a tracer: which log records belong to sampled traces
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<size_t> transform_order_;  // topological
  std::atomic<bool> stopping_{false};
  std::atomic<observe::PipelineStatus::Phase> phase_{observe::PipelineStatus::Phase::kStarting};
  int64_t started_at_us_ = 0;
  std::mutex log_mutex_;  // status() reads the log; run() closes it under this lock
  std::atomic<bool> input_ended_{false};  // bounded sources finished and were read: flush windows
  // Stateful transforms: checkpoints of their state with the offsets it reflects.
  std::unique_ptr<CheckpointStore> checkpoints_;
  uint64_t checkpoint_sequence_ = 0;
  int64_t checkpoint_interval_us_ = 1'000'000;
  std::map<std::string, std::map<int32_t, int64_t>> routed_offsets_;  // pipeline thread
  std::vector<size_t> round_sinks_;  // sinks given something in the current round (pipeline thread)
  // Partitions split among the instances of the group, or (stateful transforms on a
  // shared log) taken in turns; no group for stateful transforms on the embedded log.
  // Stateful transforms on a shared log (stateful_shared_): one instance at a time is
  // active and runs them; the others stand by with their readers parked.
  Status apply_checkpoint(const std::optional<Checkpoint>& loaded);
  Result<std::vector<log::TopicPartition>> activate(
      const std::vector<log::TopicPartition>& assigned);
  void become_standby(int64_t deadline_us);
  bool stateful_shared_ = false;
  std::atomic<bool> active_{true};
  // Transforms and their checkpoints: pipeline thread vs takeover. Timed: a handover
  // must not wait for a pipeline thread stuck behind a full sink queue.
  std::timed_mutex transform_mutex_;
  // A handover could not take the lock by its deadline: the pipeline thread lets the
  // state go itself as soon as it can (let_go_of_state), without a last checkpoint.
  std::atomic<bool> let_go_pending_{false};
  bool lock_by(std::unique_lock<std::timed_mutex>& lock, int64_t deadline_us, const char* what);
  void let_go_of_state();
  // The share was lost (log.h GroupListener::lost): its state goes without a checkpoint.
  void abandon_state(int64_t deadline_us);
  std::map<std::string, std::string> initial_states_;  // stateful transforms' fresh state
  bool joins_group() const;
  void prepare_group();  // build(): the gate and the handover, before anything reads
  Status join_group();   // run(): once the readers wait at the gate
  // Stateful transforms on a shared log with their state split by partition
  // (partitioned_state.h): each instance runs a lane per partition of its share.
  std::unique_ptr<PartitionedState> partitioned_;
  Status add_lanes(const RepartitionPlan& plan, const Registry& registry, const log::KeyRing& keys);
  // The lane that takes `*input` (from a repartition topic), with what it already
  // holds left out of `*input`; null when it holds all of it.
  transform::Transform* lane_input(Node& to, std::shared_ptr<const Batch>* input);
  // The transform of a node, or each of its lanes.
  void for_each_instance(Node& node, const std::function<void(transform::Transform&)>& each);
  void count_lane_state(Node& node);  // its state_entries gauge: the sum over its lanes
  void count_all_lane_state();
  // Everything read from sources' topics is in the repartition topics (bounded input's end).
  bool repartition_settled() const;
  Result<std::vector<log::TopicPartition>> assign_lanes(
      const std::vector<log::TopicPartition>& assigned);
  void checkpoint_lanes(
      int64_t deadline_us);  // before the partitions go: their state, then no lanes
  std::string group_;
  std::unique_ptr<ReadGate> gate_;
  std::unique_ptr<PartitionHandover> handover_;
  std::unique_ptr<log::GroupMembership> membership_;
  struct Shared;
  std::unique_ptr<Shared> shared_;
};

}  // namespace sluice::runtime

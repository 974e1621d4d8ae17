// The pieces of a running pipeline its files share (pipeline.cpp, the group and
// partitioned-state parts in pipeline_group.cpp): not for use outside them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "governance/exposure_guard.h"
#include "runtime/bounded_queue.h"
#include "runtime/commit_tracker.h"
#include "runtime/pipeline.h"
#include "runtime/sink_round.h"
#include "runtime/sink_runner.h"
#include "runtime/topic_reader.h"
#include "runtime/topic_writer.h"

namespace sluice::runtime {

struct Pipeline::Node {
  const ComponentConfig* config = nullptr;
  observe::ComponentStats* stats = nullptr;
  std::unique_ptr<source::Source> source;
  std::unique_ptr<transform::Transform> transform;
  bool stateful = false;  // transforms: their type's flag (TransformType::stateful)
  std::unique_ptr<SinkRunner> sink;
  std::unique_ptr<governance::ExposureGuard> guard;  // sinks with accepts: below restricted
  SinkRound round;                      // sinks: what reached this one in the current round
  std::unique_ptr<TopicWriter> writer;  // sources: appends to the topic
  std::unique_ptr<TopicReader> reader;  // sources: reads the topic back
  bool reads_repartition = false;       // an internal source: reads a repartition topic
  std::string lanes_topic;  // stateful transforms with partitioned state: the topic they read
  std::vector<std::string> ports;              // "" first, "dead_letter" last for transforms
  std::vector<std::vector<size_t>> consumers;  // per port: the nodes that read it
  uint64_t unread_warnings = 0;
  uint64_t refusal_warnings = 0;  // sinks with a guard: events refused, logged 1 in 1000
  // Stateful transforms resumed from a checkpoint: (source, partition) → the offset
  // below which input is already in the state and must not be counted again.
  std::map<std::pair<std::string, int32_t>, int64_t> resumed_below;
};

// What the source threads and the pipeline thread share.
struct Pipeline::Shared {
  explicit Shared(size_t capacity) : source_queue(capacity) {}
  // A batch read from the log (or made by a source), the index of its node and the
  // gate's let-go count when it was read (ReadGate::let_go).
  struct ReadBatch {
    size_t node;
    Batch batch;
    uint64_t let_go_count = 0;
  };
  BoundedQueue<ReadBatch> source_queue;
  std::mutex mutex;
  std::condition_variable wake;  // sources sleeping for their pace; run() waiting for the end
  size_t sources_running = 0;
  size_t readers_running = 0;
  size_t upstream_readers_running = 0;  // readers of sources' topics (not repartition topics)
  Status first_error;
  std::unique_ptr<CommitTracker> commits;
  // Batches readers queued and the pipeline thread routed: equal when nothing is in between.
  std::atomic<uint64_t> batches_queued{0};
  std::atomic<uint64_t> batches_routed{0};

  void fail(const Status& s) {
    std::lock_guard lock(mutex);
    if (first_error.is_ok()) first_error = s;
    wake.notify_all();
  }
};

}  // namespace sluice::runtime

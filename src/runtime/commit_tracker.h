// CommitTracker: commits log offsets only once every sink made their output durable.
//
// The pipeline thread calls routed() after it handed a batch read from the log
// (topic, partition, offsets up to next_offset − 1) through the graph: at that
// moment it notes how many batches each sink had been given. A sink reports how
// many of the batches it was given are durable (written and flushed, in order).
// The offset becomes committable when every sink's durable count reached the
// count noted for it. Since the pipeline thread handles batches in order, this
// commits exactly the prefix of each partition that every sink holds durably —
// the lowest offset across sinks — and a crash replays everything after it.
//
// With stateful transforms the tracker is gated by checkpoints: routed() is not
// enough (an event folded into a window is only safe once the window's state is
// saved), so offsets advance only at checkpoints. checkpoint() notes a consistent
// cut taken by the pipeline thread; once every sink made durable what it had been
// given at that cut, commit_durable() saves the checkpoint (checkpoint_store.h) and
// then commits its offsets. Only the newest complete checkpoint is saved. Gating
// may cover only some topics (the repartition topics of partitioned_state.h): the
// others commit as without checkpoints.
//
// Thread-safe: routed() and checkpoint() from the pipeline thread, commit_durable()
// from another.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "log/log.h"
#include "runtime/checkpoint_store.h"
#include "runtime/delivery_latency.h"

namespace sluice::runtime {

class CommitTracker {
 public:
  // `given(i)` and `durable(i)`: batches given to / made durable by sink i.
  CommitTracker(log::Log& log, std::string group, size_t sinks,
                std::function<uint64_t(size_t)> given, std::function<uint64_t(size_t)> durable);

  // From now on, offsets of `topics` (empty: of every topic) advance only at
  // checkpoints saved to `store`; those of other topics as their sinks make them durable.
  void gate_on_checkpoints(CheckpointSaver* store, std::set<std::string> topics = {});
  // What a commit moved: records [first_offset, next_offset) of a partition.
  struct CommittedRange {
    std::string topic;
    int32_t partition;
    int64_t first_offset;
    int64_t next_offset;
  };
  // Called (on the committing thread) after each commit that moved any offset.
  void on_commit(std::function<void(const std::vector<CommittedRange>&)> callback) { on_commit_ = std::move(callback); }
  // Committed offsets end the delivery of what was appended below them.
  void measure_delivery(DeliveryLatency* delivery) { delivery_ = delivery; }
  void routed(const std::string& topic, int32_t partition, int64_t next_offset);
  void checkpoint(Checkpoint cut);
  // Drops what was routed from `partitions` and not committed yet: they went to
  // another instance, which reads them again from the last commit. Gated on
  // checkpoints, every checkpoint not saved yet goes too (each covers every
  // partition, and the state it holds now belongs to the other instance).
  void forget(const std::vector<log::TopicPartition>& partitions);
  // From now on commits and checkpoint saves wait while `membership` is not
  // trusted (log.h): this instance may have lost its share without knowing yet.
  // Null: never wait. `membership` must outlive every later commit_durable().
  void only_while_trusted(const log::GroupMembership* membership) { membership_ = membership; }
  // Commits what has become durable; returns the first commit error. Waiting for
  // the membership, commits nothing (what is durable stays for the next call).
  Status commit_durable();

  uint64_t commits() const;
  // Checkpoints taken and waiting for their sinks (at most kMaxPendingCuts).
  size_t pending_cuts() const;
  static constexpr size_t kMaxPendingCuts = 8;

 private:
  struct Point {
    std::string topic;
    int32_t partition;
    int64_t next_offset;
    std::vector<uint64_t> required;  // per sink
  };

  log::Log& log_;
  std::string group_;
  size_t sinks_;
  std::function<uint64_t(size_t)> given_, durable_;
  mutable std::mutex mutex_;
  std::deque<Point> pending_;
  struct Cut {
    Checkpoint checkpoint;
    std::vector<uint64_t> required;  // per sink
  };
  std::atomic<const log::GroupMembership*> membership_{nullptr};
  CheckpointSaver* store_ = nullptr;    // set: gated on checkpoints
  std::set<std::string> gated_topics_;  // empty: all
  bool gated(const std::string& topic) const {
    return store_ != nullptr && (gated_topics_.empty() || gated_topics_.count(topic) > 0);
  }
  Status commit_points(const std::vector<uint64_t>& durable);
  DeliveryLatency* delivery_ = nullptr;
  std::function<void(const std::vector<CommittedRange>&)> on_commit_;
  std::map<std::string, std::map<int32_t, int64_t>> last_committed_;  // committing thread
  std::deque<Cut> cuts_;
  std::optional<Checkpoint> unsaved_checkpoint_;  // complete, but its save failed: retried
  std::mutex commit_mutex_;                       // one commit at a time, in order; guards unsaved_
  std::map<std::string, std::map<int32_t, int64_t>> unsaved_;
  std::atomic<uint64_t> commits_{0};

  Status commit_checkpoints(const std::vector<uint64_t>& durable);
  std::vector<uint64_t> given_now() const;
  // True when every sink's durable count reached what was required of it.
  bool covered(const std::vector<uint64_t>& durable, const std::vector<uint64_t>& required) const;
  // Commits per topic; the partitions of a topic whose commit failed go to *failed.
  Status commit_offsets(const std::map<std::string, std::map<int32_t, int64_t>>& offsets,
                        std::map<std::string, std::map<int32_t, int64_t>>* failed);
};

}  // namespace sluice::runtime

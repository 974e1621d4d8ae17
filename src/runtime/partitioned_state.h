// PartitionedState: the state of stateful transforms split by partition, so that
// the instances of a pipeline on a shared log (Kafka) each run part of it.
//
// Each stateful transform T reads a repartition topic of its own,
// "<group>.<T>.repartition", into which the graph upstream of it writes, keyed by
// T's state key (Transform::state_key): events that may share state land in the
// same partition. Every partition of that topic has its own instance of T (a lane)
// and its own checkpoints, in the same partition of "<group>.<T>.changelog": the
// lane's state, the repartition offset it reflects and the upstream marks
// (upstream_marks.h). The group splits the repartition partitions among the
// instances like any other; whichever gets one restores exactly that partition's
// state, so keys move between instances with their windows intact.
//
// Cuts and saves: the pipeline thread cuts every lane at once (cut()); the commit
// tracker saves the cut, once the sinks hold what it reflects, by appending each
// lane's part to its partition of the changelog (save()), then commits the
// repartition offsets. Not thread-safe: the pipeline serialises calls (its
// transform mutex); save() touches only the changelog stores.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "log/log.h"
#include "runtime/checkpoint_store.h"
#include "runtime/upstream_marks.h"
#include "transform/transform.h"

namespace sluice::runtime {

class PartitionedState final : public CheckpointSaver {
 public:
  using MakeLane = std::function<Result<std::unique_ptr<transform::Transform>>(int32_t partition)>;
  struct Lane {
    std::unique_ptr<transform::Transform> transform;
    UpstreamMarks marks;
    int64_t resumed_below = -1;  // repartition offsets below it are in the restored state
    int64_t cut_at = -1;         // the offset of its newest cut: not cut again until it moves
  };
  // Where one lane's state was restored from: records below `offset` are in it.
  struct Restored {
    std::string topic;
    int32_t partition;
    int64_t offset;
  };

  explicit PartitionedState(std::string group) : path_("changelog topics of group " + group) {}

  // The stateful transform `transform` reads `repartition_topic`; `changelog[p]`
  // keeps the checkpoints of its partition p; `make(p)` builds the lane of p.
  void add(const std::string& transform, const std::string& repartition_topic, MakeLane make,
           std::vector<std::unique_ptr<CheckpointStore>> changelog);
  const std::set<std::string>& topics() const { return topics_; }

  // The lane of `partition` of `topic`; nullptr when this instance does not hold it
  // (batches read before a handover that reach the pipeline after it: the next owner
  // reads them again, so they are left alone here).
  Lane* lane(const std::string& topic, int32_t partition);
  void for_each_lane(const std::string& topic, const std::function<void(Lane&)>& each);

  // Restores the lane of every repartition partition among `assigned` from its
  // newest checkpoint (empty when it has none) and drops every other lane.
  Result<std::vector<Restored>> assign(const std::vector<log::TopicPartition>& assigned);
  void drop_all();
  size_t lanes() const;

  // Every lane's state with the offset it reflects (`routed`: topic → partition →
  // next offset routed); lanes with nothing routed since they were restored or last
  // cut are left out (their newest checkpoint is what they hold: an idle partition
  // costs no changelog traffic).
  Checkpoint cut(uint64_t sequence,
                 const std::map<std::string, std::map<int32_t, int64_t>>& routed);
  Status save(const Checkpoint& cut) override;
  const std::string& path() const override { return path_; }

 private:
  struct Stateful {
    std::string transform;
    MakeLane make;
    std::vector<std::unique_ptr<CheckpointStore>> changelog;
    std::map<int32_t, Lane> lanes;
  };
  static std::string state_name(const std::string& topic, int32_t partition);
  Result<Lane> restore(Stateful& stateful, const std::string& topic, int32_t partition,
                       int64_t* offset) const;

  std::map<std::string, Stateful> by_topic_;
  std::set<std::string> topics_;
  std::string path_;
};

}  // namespace sluice::runtime

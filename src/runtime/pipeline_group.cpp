// Pipeline: joining the group of instances that share a pipeline's partitions.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/time.h"
#include "runtime/pipeline_parts.h"

namespace sluice::runtime {

bool Pipeline::joins_group() const {
  bool stateful = false, reads = false;
  for (auto& node : nodes_) {
    stateful = stateful || node->stateful;
    reads = reads || node->reader != nullptr;
  }
  return reads && (!stateful || stateful_shared_ || partitioned_);
}

void Pipeline::prepare_group() {
  if (!joins_group()) return;
  std::vector<SinkRunner*> sinks;
  for (auto& node : nodes_) {
    if (node->sink) sinks.push_back(node->sink.get());
  }
  const int64_t timeout_us =
      config_.log.has("handover_timeout") ? config_.log.get_int("handover_timeout") : 10'000'000;
  auto routed_all = [this](int64_t deadline_us) {
    while (shared_->batches_routed.load() < shared_->batches_queued.load()) {
      if (steady_now_us() >= deadline_us || stopping_.load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  };
  gate_ = std::make_unique<ReadGate>();  // closed: readers wait for their share
  HandoverHooks hooks;
  hooks.routed_all = routed_all;
  if (partitioned_) {
    // Each instance runs the lanes of the repartition partitions it is given.
    hooks.to_read = [this](const std::vector<log::TopicPartition>& assigned) {
      return assign_lanes(assigned);
    };
    hooks.quiet = [this](int64_t deadline_us) { checkpoint_lanes(deadline_us); };
    hooks.abandon = [this](int64_t deadline_us) { abandon_state(deadline_us); };
  } else if (stateful_shared_) {
    // Stateful: the instance the group gives the checkpoint topic's partition is the active one.
    hooks.to_read = [this](const std::vector<log::TopicPartition>& assigned) {
      return activate(assigned);
    };
    hooks.quiet = [this](int64_t deadline_us) { become_standby(deadline_us); };
    hooks.abandon = [this](int64_t deadline_us) { abandon_state(deadline_us); };
  }
  hooks.failed = [this](const Status& s) { shared_->fail(s.with_context("taking over")); };
  handover_ = std::make_unique<PartitionHandover>(*gate_, *shared_->commits, std::move(sinks),
                                                  std::move(hooks), timeout_us, stopping_);
}

Status Pipeline::join_group() {
  if (!gate_) return Status::ok();
  std::vector<std::string> topics;
  for (auto& node : nodes_) {
    if (node->reader &&
        std::find(topics.begin(), topics.end(), node->reader->topic()) == topics.end())
      topics.push_back(node->reader->topic());
  }
  // Stateful: the instances take turns, by the checkpoint topic's one partition.
  if (stateful_shared_) topics = {checkpoints_->topic()};
  auto joined = log_->join(group_, topics, *handover_);
  if (!joined) return joined.status();
  membership_ = std::move(joined).value();
  shared_->commits->only_while_trusted(membership_.get());
  return Status::ok();
}

}  // namespace sluice::runtime

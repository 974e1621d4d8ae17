// Pipeline: the checkpoints of stateful transforms and taking them over on a shared log.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/time.h"
#include "runtime/log_setup.h"
#include "runtime/pipeline_parts.h"

namespace sluice::runtime {

Status Pipeline::resume_from_checkpoint(const std::string& group, const log::KeyRing& keys) {
  if (partitioned_) {
    // Each partition's state is restored when the group assigns it (assign_lanes()).
    shared_->commits->gate_on_checkpoints(partitioned_.get(), partitioned_->topics());
    return Status::ok();
  }
  bool any_stateful = false;
  for (auto& node : nodes_) any_stateful = any_stateful || node->stateful;
  if (!any_stateful) return Status::ok();
  auto store = open_checkpoint_store(config_, *log_, group, &stateful_shared_);
  if (!store) return store.status().with_context("log");
  checkpoints_ = std::move(store).value();
  if (Status s = checkpoints_->encrypt_with(keys, state_key_id(config_)); !s.is_ok()) {
    return s.with_context("log");
  }
  shared_->commits->gate_on_checkpoints(checkpoints_.get());
  // Fresh state, to start from when the instance that takes over finds no checkpoint.
  for (auto& node : nodes_) {
    if (node->stateful) node->transform->save_state(&initial_states_[node->config->name]);
  }
  if (stateful_shared_) {
    active_ = false;  // until the group makes this instance the active one (activate())
    return Status::ok();
  }
  auto loaded = checkpoints_->load();
  if (!loaded) return loaded.status();
  return apply_checkpoint(*loaded);
}

Status Pipeline::apply_checkpoint(const std::optional<Checkpoint>& loaded) {
  for (auto& node : nodes_) node->resumed_below.clear();
  if (!loaded) {
    for (auto& node : nodes_) {
      if (!node->stateful) continue;
      if (Status s = node->transform->load_state(initial_states_[node->config->name]); !s.is_ok())
        return s.with_context("transform \"" + node->config->name + "\"");
    }
    routed_offsets_.clear();
    return Status::ok();
  }
  const Checkpoint& cp = *loaded;
  checkpoint_sequence_ = std::max(checkpoint_sequence_, cp.sequence);
  routed_offsets_ = cp.offsets;
  std::vector<Node*> resumed;
  for (auto& node : nodes_) {
    if (!node->stateful) continue;
    auto state = cp.states.find(node->config->name);
    // New since the checkpoint: starts empty.
    const std::string& bytes =
        state == cp.states.end() ? initial_states_[node->config->name] : state->second;
    if (Status s = node->transform->load_state(bytes); !s.is_ok()) {
      return Status::invalid(
          "transform \"" + node->config->name + "\" cannot resume from checkpoint " +
          checkpoints_->path() + ": " + s.message() +
          " (move it away to start every window empty; its events already committed are "
          "then not counted again)");
    }
    if (state != cp.states.end()) resumed.push_back(node.get());
  }
  for (auto& node : nodes_) {
    if (!node->reader) continue;
    auto topic = cp.offsets.find(node->reader->topic());
    if (topic == cp.offsets.end()) continue;
    for (const auto& [partition, offset] : topic->second) {
      auto committed = log_->committed(group_, node->reader->topic(), partition);
      if (!committed) return committed.status().with_context("log");
      if (*committed < offset) {
        node->reader->split_at(partition, offset);
        for (Node* t : resumed) t->resumed_below[{node->config->name, partition}] = offset;
      } else if (*committed > offset) {
        spdlog::warn(
            "topic {} partition {}: committed offset {} is past the checkpoint's {}: the {} events "
            "between are not in the restored window state",
            node->reader->topic(), partition, *committed, offset, *committed - offset);
      }
    }
  }
  spdlog::info("resumed {} stateful transform(s) from checkpoint {} ({})", resumed.size(),
               cp.sequence, checkpoints_->path());
  return Status::ok();
}

Result<std::vector<log::TopicPartition>> Pipeline::activate(
    const std::vector<log::TopicPartition>& assigned) {
  const bool chosen =
      std::any_of(assigned.begin(), assigned.end(),
                  [&](const log::TopicPartition& tp) { return tp.topic == checkpoints_->topic(); });
  if (!chosen) {
    spdlog::info("standing by: another instance of group \"{}\" runs the stateful transforms",
                 group_);
    return std::vector<log::TopicPartition>();
  }
  std::lock_guard lock(transform_mutex_);
  let_go_pending_ = false;  // what it would have let go is replaced now
  auto loaded = checkpoints_->load();
  if (!loaded) return loaded.status();
  SLUICE_RETURN_IF_ERROR(apply_checkpoint(*loaded));
  active_ = true;
  std::vector<log::TopicPartition> all;
  for (auto& node : nodes_) {
    if (!node->reader) continue;
    for (int32_t p = 0; p < static_cast<int32_t>(node->reader->offsets().size()); ++p)
      all.push_back({node->reader->topic(), p});
  }
  spdlog::info("active: this instance runs the stateful transforms over {} partition(s)",
               all.size());
  return all;
}

void Pipeline::become_standby(int64_t deadline_us) {
  std::unique_lock<std::timed_mutex> lock(transform_mutex_, std::defer_lock);
  if (!lock_by(lock, deadline_us, "the stateful transforms")) return;
  if (!active_) return;
  take_checkpoint();  // the state so far, for whichever instance is active next
  active_ = false;
}

bool Pipeline::lock_by(std::unique_lock<std::timed_mutex>& lock, int64_t deadline_us,
                       const char* what) {
  const auto deadline =
      std::chrono::steady_clock::time_point(std::chrono::microseconds(deadline_us));
  if (lock.try_lock_until(deadline)) return true;
  // The pipeline thread is stuck (a sink's queue is full): the next owner restores the
  // last checkpoint and reads on from its offsets; nothing since is committed here.
  let_go_pending_ = true;
  spdlog::warn(
      "handing over {}: the pipeline is held up (a sink not taking writes?); no last "
      "checkpoint, the next owner continues from the one before",
      what);
  return false;
}

void Pipeline::abandon_state(int64_t deadline_us) {
  std::unique_lock<std::timed_mutex> lock(transform_mutex_, std::defer_lock);
  const auto deadline =
      std::chrono::steady_clock::time_point(std::chrono::microseconds(deadline_us));
  if (lock.try_lock_until(deadline))
    let_go_of_state();
  else
    let_go_pending_ = true;  // the pipeline thread drops it before its next checkpoint
}

void Pipeline::let_go_of_state() {
  if (partitioned_) {
    partitioned_->drop_all();
    for (const std::string& topic : partitioned_->topics()) routed_offsets_.erase(topic);
    count_all_lane_state();
  } else {
    active_ = false;
  }
}

void Pipeline::take_checkpoint() {
  if (partitioned_) {
    Checkpoint lanes = partitioned_->cut(++checkpoint_sequence_, routed_offsets_);
    if (!lanes.offsets.empty()) shared_->commits->checkpoint(std::move(lanes));
    return;
  }
  Checkpoint cut;
  cut.sequence = ++checkpoint_sequence_;
  cut.offsets = routed_offsets_;
  for (size_t n : transform_order_) {
    Node& node = *nodes_[n];
    if (node.stateful) node.transform->save_state(&cut.states[node.config->name]);
  }
  shared_->commits->checkpoint(std::move(cut));
}

}  // namespace sluice::runtime

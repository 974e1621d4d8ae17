#include "runtime/commit_tracker.h"

namespace sluice::runtime {

CommitTracker::CommitTracker(log::Log& log, std::string group, size_t sinks, std::function<uint64_t(size_t)> given,
                             std::function<uint64_t(size_t)> durable)
    : log_(log), group_(std::move(group)), sinks_(sinks), given_(std::move(given)), durable_(std::move(durable)) {}

void CommitTracker::gate_on_checkpoints(CheckpointStore* store) { store_ = store; }

void CommitTracker::routed(const std::string& topic, int32_t partition, int64_t next_offset) {
  if (store_ != nullptr) return;  // gated: the checkpoint carries the offsets
  Point point{topic, partition, next_offset, std::vector<uint64_t>(sinks_)};
  for (size_t i = 0; i < sinks_; ++i) point.required[i] = given_(i);
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(point));
}

void CommitTracker::checkpoint(Checkpoint cut) {
  Cut c{std::move(cut), std::vector<uint64_t>(sinks_)};
  for (size_t i = 0; i < sinks_; ++i) c.required[i] = given_(i);
  std::lock_guard lock(mutex_);
  cuts_.push_back(std::move(c));
}

Status CommitTracker::commit_durable() {
  std::lock_guard commit_lock(commit_mutex_);
  std::vector<uint64_t> durable(sinks_);
  for (size_t i = 0; i < sinks_; ++i) durable[i] = durable_(i);
  if (store_ != nullptr) return commit_checkpoints(durable);
  // Offsets whose commit failed last time are tried again (a later offset of the same partition replaces them).
  std::map<std::string, std::map<int32_t, int64_t>> ready = std::move(unsaved_);
  unsaved_.clear();
  {
    std::lock_guard lock(mutex_);
    while (!pending_.empty()) {
      const Point& p = pending_.front();
      bool done = true;
      for (size_t i = 0; i < sinks_ && done; ++i) done = durable[i] >= p.required[i];
      if (!done) break;
      ready[p.topic][p.partition] = p.next_offset;
      pending_.pop_front();
    }
  }
  Status first;
  for (const auto& [topic, partitions] : ready) {
    std::vector<std::pair<int32_t, int64_t>> offsets(partitions.begin(), partitions.end());
    Status s = log_.commit(group_, topic, offsets);
    if (!s.is_ok()) {
      if (first.is_ok()) first = s;
      unsaved_[topic] = partitions;
    } else {
      commits_.fetch_add(1);
    }
  }
  return first;
}

Status CommitTracker::commit_checkpoints(const std::vector<uint64_t>& durable) {
  std::optional<Checkpoint> newest = std::move(unsaved_checkpoint_);
  unsaved_checkpoint_.reset();
  {
    std::lock_guard lock(mutex_);
    while (!cuts_.empty()) {
      const Cut& c = cuts_.front();
      bool done = true;
      for (size_t i = 0; i < sinks_ && done; ++i) done = durable[i] >= c.required[i];
      if (!done) break;
      newest = std::move(cuts_.front().checkpoint);
      cuts_.pop_front();
    }
  }
  if (!newest) return Status::ok();
  // State first, offsets second: a crash between the two leaves offsets behind the
  // state, and events between them are recognised as already counted on restart.
  if (Status s = store_->save(*newest); !s.is_ok()) {
    unsaved_checkpoint_ = std::move(newest);
    return s.with_context("saving checkpoint " + store_->path());
  }
  Status first;
  for (const auto& [topic, partitions] : newest->offsets) {
    std::vector<std::pair<int32_t, int64_t>> offsets(partitions.begin(), partitions.end());
    Status s = log_.commit(group_, topic, offsets);
    if (!s.is_ok()) {
      if (first.is_ok()) first = s;
      unsaved_checkpoint_ = *newest;  // saved again next time, with its offsets
    } else {
      commits_.fetch_add(1);
    }
  }
  return first;
}

uint64_t CommitTracker::commits() const { return commits_.load(); }

}  // namespace sluice::runtime

#include "runtime/commit_tracker.h"

#include "core/time.h"

namespace sluice::runtime {

CommitTracker::CommitTracker(log::Log& log, std::string group, size_t sinks,
                             std::function<uint64_t(size_t)> given,
                             std::function<uint64_t(size_t)> durable)
    : log_(log),
      group_(std::move(group)),
      sinks_(sinks),
      given_(std::move(given)),
      durable_(std::move(durable)) {}

void CommitTracker::gate_on_checkpoints(CheckpointSaver* store, std::set<std::string> topics) {
  store_ = store;
  gated_topics_ = std::move(topics);
}

std::vector<uint64_t> CommitTracker::given_now() const {
  std::vector<uint64_t> given(sinks_);
  for (size_t i = 0; i < sinks_; ++i) given[i] = given_(i);
  return given;
}

bool CommitTracker::covered(const std::vector<uint64_t>& durable,
                            const std::vector<uint64_t>& required) const {
  for (size_t i = 0; i < sinks_; ++i) {
    if (durable[i] < required[i]) return false;
  }
  return true;
}

Status CommitTracker::commit_offsets(
    const std::map<std::string, std::map<int32_t, int64_t>>& offsets,
    std::map<std::string, std::map<int32_t, int64_t>>* failed) {
  Status first;
  std::vector<CommittedRange> moved;
  bool lookups_failed = false;  // the group's offsets are out of reach: ask once per round
  for (const auto& [topic, all] : offsets) {
    std::map<int32_t, int64_t> partitions = all;
    if (on_commit_) {
      // The lineage range of a partition's first commit starts at the group's last
      // commit. Unknown (the coordinator out of reach), it is committed later rather
      // than recorded from a guess.
      auto& known = last_committed_[topic];
      for (auto it = partitions.begin(); it != partitions.end();) {
        if (!known.count(it->first) && !lookups_failed) {
          auto before = log_.committed(group_, topic, it->first);
          if (before) {
            known[it->first] = *before;
          } else {
            lookups_failed = true;
            if (first.is_ok())
              first = before.status().with_context("the group's last commit of " + topic);
          }
        }
        if (known.count(it->first)) {
          ++it;
          continue;
        }
        (*failed)[topic][it->first] = it->second;
        it = partitions.erase(it);
      }
      if (partitions.empty()) continue;
    }
    std::vector<std::pair<int32_t, int64_t>> list(partitions.begin(), partitions.end());
    Status s = log_.commit(group_, topic, list);
    if (!s.is_ok()) {
      if (first.is_ok()) first = s;
      for (const auto& [partition, next] : partitions) (*failed)[topic][partition] = next;
    } else {
      commits_.fetch_add(1);
      if (on_commit_) {
        for (const auto& [partition, next] : partitions) {
          int64_t& from = last_committed_[topic][partition];
          if (next > from) moved.push_back({topic, partition, from, next});
          from = std::max(from, next);
        }
      }
      if (delivery_) {
        const int64_t now = steady_now_us();
        for (const auto& [partition, next] : partitions) delivery_->committed(topic, partition, next, now);
      }
    }
  }
  if (on_commit_ && !moved.empty()) on_commit_(moved);
  return first;
}

void CommitTracker::routed(const std::string& topic, int32_t partition, int64_t next_offset) {
  if (gated(topic)) return;  // the checkpoint carries the offsets
  Point point{topic, partition, next_offset, given_now()};
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(point));
}

void CommitTracker::checkpoint(Checkpoint cut) {
  Cut c{std::move(cut), given_now()};
  std::lock_guard lock(mutex_);
  // A sink that holds its output for long (the lake, until a file closes) would
  // queue a cut — with all window state — every commit interval. Any cut is a
  // valid place to commit, so past the bound the newest queued one is replaced:
  // the oldest ones, first to be covered, stay.
  if (cuts_.size() >= kMaxPendingCuts) cuts_.pop_back();
  cuts_.push_back(std::move(c));
}

size_t CommitTracker::pending_cuts() const {
  std::lock_guard lock(mutex_);
  return cuts_.size();
}

Status CommitTracker::commit_durable() {
  std::lock_guard commit_lock(commit_mutex_);
  if (const log::GroupMembership* m = membership_.load(); m != nullptr && !m->trusted())
    return Status::ok();
  std::vector<uint64_t> durable(sinks_);
  for (size_t i = 0; i < sinks_; ++i) durable[i] = durable_(i);
  if (store_ == nullptr) return commit_points(durable);
  Status s = commit_checkpoints(durable);
  if (gated_topics_.empty()) return s;
  Status points = commit_points(durable);
  return s.is_ok() ? points : s;
}

Status CommitTracker::commit_points(const std::vector<uint64_t>& durable) {
  // Offsets whose commit failed last time are tried again (a later offset of the same partition
  // replaces them).
  std::map<std::string, std::map<int32_t, int64_t>> ready = std::move(unsaved_);
  unsaved_.clear();
  {
    std::lock_guard lock(mutex_);
    while (!pending_.empty() && covered(durable, pending_.front().required)) {
      const Point& p = pending_.front();
      ready[p.topic][p.partition] = p.next_offset;
      pending_.pop_front();
    }
  }
  return commit_offsets(ready, &unsaved_);
}

Status CommitTracker::commit_checkpoints(const std::vector<uint64_t>& durable) {
  std::optional<Checkpoint> newest = std::move(unsaved_checkpoint_);
  unsaved_checkpoint_.reset();
  {
    std::lock_guard lock(mutex_);
    while (!cuts_.empty() && covered(durable, cuts_.front().required)) {
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
  std::map<std::string, std::map<int32_t, int64_t>> failed;
  Status s = commit_offsets(newest->offsets, &failed);
  if (!failed.empty())
    unsaved_checkpoint_ = std::move(newest);  // saved again next time, with its offsets
  return s;
}

void CommitTracker::forget(const std::vector<log::TopicPartition>& partitions) {
  auto revoked = [&](const std::string& topic, int32_t partition) {
    for (const log::TopicPartition& tp : partitions) {
      if (tp.topic == topic && tp.partition == partition) return true;
    }
    return false;
  };
  std::lock_guard commit_lock(commit_mutex_);
  {
    std::lock_guard lock(mutex_);
    std::erase_if(pending_, [&](const Point& p) { return revoked(p.topic, p.partition); });
    if (store_ != nullptr) cuts_.clear();
  }
  if (store_ != nullptr) unsaved_checkpoint_.reset();
  for (const log::TopicPartition& tp : partitions) {
    if (auto it = unsaved_.find(tp.topic); it != unsaved_.end()) it->second.erase(tp.partition);
    // Another instance commits meanwhile: what was committed before is asked again.
    if (auto it = last_committed_.find(tp.topic); it != last_committed_.end())
      it->second.erase(tp.partition);
  }
}

uint64_t CommitTracker::commits() const {
  return commits_.load();
}

}  // namespace sluice::runtime

#include "runtime/commit_tracker.h"

namespace sluice::runtime {

CommitTracker::CommitTracker(log::Log& log, std::string group, size_t sinks, std::function<uint64_t(size_t)> given,
                             std::function<uint64_t(size_t)> durable)
    : log_(log), group_(std::move(group)), sinks_(sinks), given_(std::move(given)), durable_(std::move(durable)) {}

void CommitTracker::routed(const std::string& topic, int32_t partition, int64_t next_offset) {
  Point point{topic, partition, next_offset, std::vector<uint64_t>(sinks_)};
  for (size_t i = 0; i < sinks_; ++i) point.required[i] = given_(i);
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(point));
}

Status CommitTracker::commit_durable() {
  std::lock_guard commit_lock(commit_mutex_);
  std::vector<uint64_t> durable(sinks_);
  for (size_t i = 0; i < sinks_; ++i) durable[i] = durable_(i);
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

uint64_t CommitTracker::commits() const { return commits_.load(); }

}  // namespace sluice::runtime

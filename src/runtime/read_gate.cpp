#include "runtime/read_gate.h"

#include <chrono>

namespace sluice::runtime {

void ReadGate::enter() {
  std::lock_guard lock(mutex_);
  ++readers_;
}

void ReadGate::leave() {
  std::lock_guard lock(mutex_);
  --readers_;
  changed_.notify_all();
}

std::optional<std::vector<int32_t>> ReadGate::pass(const std::string& topic, uint64_t* seen,
                                                   const std::atomic<bool>& stopping) {
  std::unique_lock lock(mutex_);
  if (!open_) {
    ++parked_;
    changed_.notify_all();
    // Polled: `stopping` is set without this gate's lock.
    while (!open_ && !stopping.load()) changed_.wait_for(lock, std::chrono::milliseconds(50));
    --parked_;
  }
  if (!open_ || *seen == generation_) return std::nullopt;
  *seen = generation_;
  auto it = owned_.find(topic);
  return it == owned_.end() ? std::vector<int32_t>() : it->second;
}

void ReadGate::close() {
  std::lock_guard lock(mutex_);
  open_ = false;
}

bool ReadGate::wait_parked(int64_t deadline_us) {
  std::unique_lock lock(mutex_);
  const auto deadline =
      std::chrono::steady_clock::time_point(std::chrono::microseconds(deadline_us));
  return changed_.wait_until(lock, deadline, [&] { return parked_ >= readers_; });
}

void ReadGate::open(const std::vector<log::TopicPartition>& assigned) {
  std::lock_guard lock(mutex_);
  owned_.clear();
  for (const log::TopicPartition& tp : assigned) owned_[tp.topic].push_back(tp.partition);
  ++generation_;
  open_ = true;
  changed_.notify_all();
}

size_t ReadGate::owned(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  if (!open_) return 0;
  auto it = owned_.find(topic);
  return it == owned_.end() ? 0 : it->second.size();
}

uint64_t ReadGate::assignments() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

}  // namespace sluice::runtime

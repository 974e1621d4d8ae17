// ReadGate: holds the pipeline's log readers still while the partitions they read
// change hands between the instances of a group (log.h GroupListener).
//
// Readers pass the gate between reads. While it is closed they park there, so the
// instance that is letting partitions go knows nothing more is read from them;
// when it opens again with a new assignment, each reader learns its topic's share.
// A pipeline whose partitions never move (no group: stateful transforms) has no gate.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "log/log.h"

namespace sluice::runtime {

class ReadGate {
 public:
  // Reader side. A reader registers for as long as it reads.
  void enter();
  void leave();
  // Blocks while the gate is closed, until `stopping`. Returns this instance's
  // partitions of `topic` when the assignment changed since `*seen` (which it updates).
  std::optional<std::vector<int32_t>> pass(const std::string& topic, uint64_t* seen,
                                           const std::atomic<bool>& stopping);

  // Listener side.
  void close();
  // True once every registered reader is parked; false at the deadline (steady clock).
  bool wait_parked(int64_t deadline_us);
  void open(const std::vector<log::TopicPartition>& assigned);

  // Counts handovers that let partitions go. A batch read before one and routed after
  // it belongs to a partition another instance may read now (the handover gave up
  // waiting for the pipeline): the pipeline neither routes nor commits it.
  void let_go() { let_go_count_.fetch_add(1); }
  uint64_t let_go_count() const { return let_go_count_.load(); }

  // Partitions of `topic` this instance reads now (0 while closed).
  size_t owned(const std::string& topic) const;
  uint64_t assignments() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;  // closed until the first assignment
  uint64_t generation_ = 0;
  std::map<std::string, std::vector<int32_t>> owned_;
  size_t readers_ = 0;
  size_t parked_ = 0;
  std::atomic<uint64_t> let_go_count_{0};
};

}  // namespace sluice::runtime

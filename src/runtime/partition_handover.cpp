#include "runtime/partition_handover.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "core/time.h"

namespace sluice::runtime {

void PartitionHandover::assigned(const std::vector<log::TopicPartition>& partitions) {
  reading_ = partitions;
  if (hooks_.to_read) {
    auto read = hooks_.to_read(partitions);
    if (!read) {
      reading_.clear();
      if (hooks_.failed) hooks_.failed(read.status());
      return;  // the gate stays closed
    }
    reading_ = std::move(read).value();
  }
  gate_.open(reading_);
}

bool PartitionHandover::sinks_durable(int64_t deadline_us) const {
  std::vector<uint64_t> given;
  for (const SinkRunner* sink : sinks_) given.push_back(sink->given());
  for (;;) {
    bool all = true;
    for (size_t i = 0; i < sinks_.size(); ++i) all = all && sinks_[i]->durable() >= given[i];
    if (all) return true;
    if (steady_now_us() >= deadline_us || stopping_.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void PartitionHandover::revoked(const std::vector<log::TopicPartition>&) {
  const int64_t started = steady_now_us();
  const int64_t deadline = started + timeout_us_;
  gate_.close();
  if (reading_.empty()) return;  // nothing was read: nothing to hand over
  const size_t count = reading_.size();
  bool complete = false;
  if (!stopping_.load()) {
    // Stopping: the pipeline's own shutdown flushes and commits.
    complete = gate_.wait_parked(deadline) && hooks_.routed_all(deadline);
    if (hooks_.quiet) hooks_.quiet(deadline);
    complete = sinks_durable(deadline) && complete;
    if (Status s = commits_.commit_durable(); !s.is_ok()) {
      complete = false;
      spdlog::error("handing over partitions: offset commit: {}", s.message());
    }
  }
  // Before the tracker forgets: a batch read before now and routed later is not
  // committed by this instance. (Stopping: the shutdown drains and commits itself.)
  if (!stopping_.load()) gate_.let_go();
  commits_.forget(reading_);
  reading_.clear();
  handovers_.fetch_add(1);
  if (stopping_.load()) {
    spdlog::info("letting {} partition(s) go while stopping; the shutdown commits what is durable",
                 count);
  } else if (!complete) {
    incomplete_.fetch_add(1);
    spdlog::warn(
        "handing over {} partition(s): not everything read from them was durable after {} ms; "
        "the next owner reads it again from the last commit",
        count, (steady_now_us() - started) / 1000);
  } else {
    spdlog::info("handed over {} partition(s) in {} ms, everything read from them committed", count,
                 (steady_now_us() - started) / 1000);
  }
}

void PartitionHandover::lost(const std::vector<log::TopicPartition>&) {
  gate_.close();
  if (reading_.empty()) return;
  // No waiting for the pipeline: a batch of the lost share routed from now on is
  // neither routed nor committed (let_go()); the state goes before the pending
  // checkpoints, so no checkpoint taken after this holds it.
  gate_.let_go();
  if (hooks_.abandon) hooks_.abandon(steady_now_us() + timeout_us_);
  commits_.forget(reading_);
  spdlog::warn(
      "lost {} partition(s) to another instance while this one did not answer: nothing more is "
      "committed or saved for them; the new owner read on from their last commit",
      reading_.size());
  reading_.clear();
  lost_.fetch_add(1);
}

}  // namespace sluice::runtime

// WatermarkTracker: how far event time has progressed, across input partitions.
//
// Each input partition (source, log partition) keeps the highest event time seen.
// The watermark is the minimum over active partitions of that time minus the
// allowed lateness: every window ending at or before it is complete, and an event
// whose window ended at or before it is late. A partition that delivered nothing for
// `idle_timeout` of processing time while the pipeline ran stops holding the
// watermark back (a stall of the whole pipeline does not count: active_time());
// when every partition is idle, the most advanced one sets it, so windows still
// close when traffic stops. The watermark never goes backwards.
//
// Partitions declared up front (every partition that feeds the window) hold the
// watermark back from the start, until they deliver or go idle; others count from
// their first event. Single-threaded (the pipeline thread). Processing times are
// not saved: a restored partition counts as active from the moment of the restore.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/byte_codec.h"

namespace sluice::transform {

class WatermarkTracker {
 public:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();

  WatermarkTracker(int64_t allowed_lateness_us, int64_t idle_timeout_us)
      : allowed_lateness_us_(allowed_lateness_us), idle_timeout_us_(idle_timeout_us) {}

  // An input partition known to exist, as of processing time `now_us`.
  void declare(const std::string& source, int32_t partition, int64_t now_us);
  // Starts a batch from one input partition at processing time `now_us`; the
  // watermark of the other partitions is computed once here, so observe() is cheap.
  void begin_batch(const std::string& source, int32_t partition, int64_t now_us);
  // Notes one event of the current batch; returns the watermark after it.
  int64_t observe(int64_t event_time_us) {
    if (event_time_us > current_->max_event_time_us) current_->max_event_time_us = event_time_us;
    return advance(std::min(others_, lowered(current_->max_event_time_us)));
  }
  // Re-evaluates idleness without input (a tick) and returns the watermark.
  int64_t refresh(int64_t now_us);
  int64_t watermark() const { return watermark_; }

  void save(ByteWriter& w) const;
  bool load(ByteReader& r, int64_t now_us);

 private:
  struct Input {
    std::string source;
    int32_t partition;
    int64_t max_event_time_us;
    int64_t last_seen;  // active_time() of its last batch
  };

  int64_t lowered(int64_t t) const { return t == kNone ? kNone : t - allowed_lateness_us_; }
  int64_t advance(int64_t candidate) {
    if (candidate != std::numeric_limits<int64_t>::max() && candidate > watermark_)
      watermark_ = candidate;
    return watermark_;
  }
  // The watermark from every input except `skip` (max when none is active).
  int64_t compute(const Input* skip, int64_t at, bool* any_active) const;
  // Processing time that counts towards idleness: the steady clock, except that a
  // gap between two calls (batches or ticks, normally ≤ 100 ms apart) counts for at
  // most kMaxStepUs. When the whole pipeline stalls (descheduled, blocked on a full
  // sink queue), no partition is idle for it: only a partition that stays silent
  // while the pipeline runs on is.
  int64_t active_time(int64_t now_us);
  static constexpr int64_t kMaxStepUs = 250'000;

  int64_t allowed_lateness_us_;
  int64_t idle_timeout_us_;
  std::vector<Input> inputs_;  // few: one per input partition
  Input* current_ = nullptr;
  int64_t others_ = std::numeric_limits<int64_t>::max();
  int64_t watermark_ = kNone;
  int64_t last_clock_us_ = kNone;
  int64_t active_us_ = 0;
};

}  // namespace sluice::transform

#include "transform/window/watermark.h"

#include <algorithm>

namespace sluice::transform {

int64_t WatermarkTracker::active_time(int64_t now_us) {
  if (last_clock_us_ != kNone)
    active_us_ += std::clamp<int64_t>(now_us - last_clock_us_, 0, kMaxStepUs);
  last_clock_us_ = now_us;
  return active_us_;
}

int64_t WatermarkTracker::compute(const Input* skip, int64_t at, bool* any_active) const {
  int64_t low = std::numeric_limits<int64_t>::max();
  *any_active = false;
  for (const Input& in : inputs_) {
    if (&in == skip || at - in.last_seen > idle_timeout_us_) continue;
    *any_active = true;
    low = std::min(low, lowered(in.max_event_time_us));
  }
  return low;
}

void WatermarkTracker::declare(const std::string& source, int32_t partition, int64_t now_us) {
  for (const Input& in : inputs_) {
    if (in.partition == partition && in.source == source) return;
  }
  inputs_.push_back(Input{source, partition, kNone, active_time(now_us)});
}

void WatermarkTracker::begin_batch(const std::string& source, int32_t partition, int64_t now_us) {
  const int64_t at = active_time(now_us);
  current_ = nullptr;
  for (Input& in : inputs_) {
    if (in.partition == partition && in.source == source) current_ = &in;
  }
  if (current_ == nullptr) {
    inputs_.push_back(Input{source, partition, kNone, at});
    current_ = &inputs_.back();
  }
  current_->last_seen = at;
  bool any_active = false;
  others_ = compute(current_, at, &any_active);
}

int64_t WatermarkTracker::refresh(int64_t now_us) {
  bool any_active = false;
  int64_t low = compute(nullptr, active_time(now_us), &any_active);
  if (!any_active) {
    // Everything idle: the most advanced input speaks for the stream.
    low = std::numeric_limits<int64_t>::max();
    int64_t high = kNone;
    for (const Input& in : inputs_) high = std::max(high, lowered(in.max_event_time_us));
    if (high != kNone) low = high;
  }
  return advance(low);
}

void WatermarkTracker::save(ByteWriter& w) const {
  w.i64(watermark_);
  w.u64(inputs_.size());
  for (const Input& in : inputs_) {
    w.bytes(in.source);
    w.i64(in.partition);
    w.i64(in.max_event_time_us);
  }
}

bool WatermarkTracker::load(ByteReader& r, int64_t now_us) {
  watermark_ = r.i64();
  const uint64_t n = r.count(3);
  current_ = nullptr;
  // Declared inputs stay; the saved ones bring back how far they had got.
  const int64_t at = active_time(now_us);
  for (Input& in : inputs_) in.last_seen = at;
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    const std::string source(r.bytes());
    const auto partition = static_cast<int32_t>(r.i64());
    const int64_t max_event_time_us = r.i64();
    declare(source, partition, now_us);
    for (Input& in : inputs_) {
      if (in.partition == partition && in.source == source)
        in.max_event_time_us = max_event_time_us;
    }
  }
  return r.ok();
}

}  // namespace sluice::transform

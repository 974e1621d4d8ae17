#include "observe/rate_limited_sink.h"

#include <fmt/format.h>

#include "core/time.h"

namespace sluice::observe {

void RateLimitedSink::sink_it_(const spdlog::details::log_msg& msg) {
  // Floods are warnings and errors (a sink down, bad events). Below them are the events
  // of the process's life, each worth its line: which partitions an instance reads now
  // differs from the last assignment only in digits, and must not be held back.
  if (msg.level < spdlog::level::warn) {
    target_->log(msg);
    return;
  }
  std::string key(1, static_cast<char>('0' + static_cast<int>(msg.level)));
  for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
    if (c < '0' || c > '9') key += c;
  }
  const int64_t now = steady_now_us();
  auto it = kinds_.find(key);
  if (it == kinds_.end()) {
    if (kinds_.size() >= kMaxKinds) {
      kinds_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(key);
    it = kinds_.emplace(key, Kind{now, 0, recency_.begin()}).first;
    target_->log(msg);
    return;
  }
  Kind& kind = it->second;
  recency_.splice(recency_.begin(), recency_, kind.recency);
  if (now - kind.window_start_us < interval_us_) {
    ++kind.suppressed;
    ++suppressed_total_;
    return;
  }
  if (kind.suppressed == 0) {
    kind.window_start_us = now;
    target_->log(msg);
    return;
  }
  const std::string text = fmt::format("{} ({} similar message{} suppressed in the last {:.0f}s)",
                                       std::string_view(msg.payload.data(), msg.payload.size()),
                                       kind.suppressed, kind.suppressed == 1 ? "" : "s",
                                       static_cast<double>(now - kind.window_start_us) / 1e6);
  spdlog::details::log_msg with_count(msg);
  with_count.payload = text;
  kind.window_start_us = now;
  kind.suppressed = 0;
  target_->log(with_count);
}

}  // namespace sluice::observe

// RequestStats: what an HTTP server answered and how long each answer took.
//
// Counted per status class (2xx … 5xx) rather than per code, so the number of
// series stays fixed whatever clients send. Thread-safe: every I/O thread records.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "observe/histogram.h"

namespace sluice::observe {

class RequestStats {
 public:
  void record(int status, int64_t duration_us) {
    const int status_class = status >= 100 && status < 600 ? status / 100 : 5;
    by_class_[static_cast<size_t>(status_class)].fetch_add(1, std::memory_order_relaxed);
    duration.observe_us(duration_us);
  }
  // Responses with a status of `status_class`xx (1 to 5).
  uint64_t responses(int status_class) const {
    return by_class_[static_cast<size_t>(status_class)].load(std::memory_order_relaxed);
  }

  Histogram duration{Histogram::latency_buckets()};

 private:
  std::array<std::atomic<uint64_t>, 6> by_class_{};
};

}  // namespace sluice::observe

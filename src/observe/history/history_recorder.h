// HistoryRecorder: the thread that writes a MetricsHistory record every interval
// while a pipeline runs, and a last one when it stops (so even a short run leaves
// its totals).
//
// A record that fails (disk full, a locked file) is logged, rate-limited, and
// counted; the next record covers its span. Recording never blocks the pipeline:
// it only reads the counters.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "observe/history/metrics_history.h"

namespace sluice::observe {

class HistoryRecorder {
 public:
  using StatusSource = std::function<PipelineStatus()>;

  HistoryRecorder(std::unique_ptr<MetricsHistory> history, int64_t interval_us, StatusSource status);
  ~HistoryRecorder();

  void start();
  // Writes the last record and joins the thread; idempotent.
  void stop();

  uint64_t records() const { return records_.load(std::memory_order_relaxed); }
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  void loop();
  void record_once();

  std::unique_ptr<MetricsHistory> history_;
  int64_t interval_us_;
  StatusSource status_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<uint64_t> records_{0};
  std::atomic<uint64_t> failures_{0};
};

}  // namespace sluice::observe

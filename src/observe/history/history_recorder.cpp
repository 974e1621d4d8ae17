#include "observe/history/history_recorder.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/time.h"

namespace sluice::observe {

HistoryRecorder::HistoryRecorder(std::unique_ptr<MetricsHistory> history, int64_t interval_us, StatusSource status)
    : history_(std::move(history)), interval_us_(interval_us), status_(std::move(status)) {}

HistoryRecorder::~HistoryRecorder() {
  stop();
}

void HistoryRecorder::start() {
  thread_ = std::thread([this] { loop(); });
}

void HistoryRecorder::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  record_once();
}

void HistoryRecorder::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, std::chrono::microseconds(interval_us_), [this] { return stopping_; })) break;
    lock.unlock();
    record_once();
    lock.lock();
  }
}

void HistoryRecorder::record_once() {
  const Status s = history_->record(status_(), read_process_stats(), now_us());
  if (s.is_ok()) {
    records_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("metrics history {}: cannot record: {}", history_->path(), s.message());
}

}  // namespace sluice::observe

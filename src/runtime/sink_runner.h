// SinkRunner: one sink's thread and bounded queue.
//
// The pipeline thread pushes batches (shared, read-only); the runner writes them in
// order, retrying a failed write with exponential backoff (100 ms up to 5 s) so a
// sink that is briefly down loses nothing, and flushes the sink once a second and
// when the queue closes. Closing is retried the same way, up to the shutdown deadline. A full queue blocks the pushing thread: that is the
// backpressure a slow sink exerts, bounded by `queue_batches`.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/batch.h"
#include "observe/component_stats.h"
#include "observe/tracing/tracer.h"
#include "runtime/bounded_queue.h"
#include "sink/sink.h"

namespace sluice::runtime {

class SinkRunner {
 public:
  SinkRunner(std::string name, std::unique_ptr<sink::Sink> sink, observe::ComponentStats& stats,
             size_t queue_batches, int64_t flush_interval_us = 1'000'000);
  ~SinkRunner();

  // Traced batches (origin.traces) get a span for their write (null: off).
  void trace_with(observe::Tracer* tracer) { tracer_ = tracer; }

  void start();
  // Blocks while the queue is full; false once the runner was closed.
  bool push(std::shared_ptr<const Batch> batch) {
    if (!queue_.push(std::move(batch))) return false;
    given_.fetch_add(1);
    return true;
  }
  uint64_t given() const { return given_.load(); }
  uint64_t durable() const { return durable_.load(); }
  // Events in the durable batches (for the lineage ledger's counts).
  uint64_t durable_events() const { return durable_events_.load(); }
  // Stops taking batches, writes what is queued, flushes and closes the sink.
  // Retries of a failing sink stop at `give_up_at_us` (steady clock).
  Status close_and_join(int64_t give_up_at_us);

  size_t queued() const { return queue_.size(); }

  // Whether the sink's last write, flush or close failed (it is retrying), and why.
  struct Health {
    bool ok = true;
    std::string error;         // the last failure, while not ok
    int64_t failing_since_us = 0;  // wall clock of the first failure in a row
  };
  Health health() const {
    std::lock_guard lock(health_mutex_);
    return health_;
  }

 private:
  void run();
  Status write_with_retry(const Batch& batch);
  Status close_with_retry();
  Status with_retry(const char* what, const std::function<Status()>& attempt);
  void note_result(const char* what, const Status& s);

  std::string name_;
  std::unique_ptr<sink::Sink> sink_;
  observe::ComponentStats& stats_;
  observe::Tracer* tracer_ = nullptr;
  BoundedQueue<std::shared_ptr<const Batch>> queue_;
  std::thread thread_;
  std::atomic<int64_t> give_up_at_us_{INT64_MAX};
  Status final_status_;
  uint64_t events_lost_ = 0;
  int64_t flush_interval_us_;
  std::atomic<uint64_t> given_{0};
  std::atomic<uint64_t> durable_{0};
  std::atomic<uint64_t> durable_events_{0};
  std::deque<uint64_t> unconfirmed_events_;  // per written batch not yet durable (sink thread)
  uint64_t confirmed_batches_ = 0;
  void set_durable(uint64_t batches);
  uint64_t written_ = 0;  // batches written in order (sink thread)
  bool stuck_ = false;    // a batch was lost: durable_ stops advancing
  mutable std::mutex health_mutex_;
  Health health_;
};

}  // namespace sluice::runtime

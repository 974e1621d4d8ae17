#include "runtime/sink_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "source/source.h"

namespace sluice::runtime {

SinkRunner::SinkRunner(std::string name, std::unique_ptr<sink::Sink> sink, observe::ComponentStats& stats,
                       size_t queue_batches, int64_t flush_interval_us)
    : name_(std::move(name)),
      sink_(std::move(sink)),
      stats_(stats),
      queue_(queue_batches),
      flush_interval_us_(flush_interval_us) {}

SinkRunner::~SinkRunner() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void SinkRunner::start() { thread_ = std::thread([this] { run(); }); }

Status SinkRunner::close_and_join(int64_t give_up_at_us) {
  give_up_at_us_.store(give_up_at_us);
  queue_.close();
  if (thread_.joinable()) thread_.join();
  return final_status_;
}

void SinkRunner::run() {
  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::microseconds(flush_interval_us_);
  auto next_flush = Clock::now() + interval;
  bool dirty = false;
  while (true) {
    bool closed = false;
    auto batch = queue_.pop_until(next_flush, &closed);
    if (batch) {
      Status s = write_with_retry(**batch);
      if (!s.is_ok()) {
        events_lost_ += (*batch)->size();
        final_status_ = s;
        stuck_ = true;
      } else {
        ++written_;
        unconfirmed_events_.push_back((*batch)->size());
      }
      dirty = true;
    }
    if (closed) break;
    if (Clock::now() >= next_flush) {
      // A sink that holds batches is flushed even when nothing new came: its flush
      // is what closes output that has grown old enough.
      if (dirty || sink_->held_batches() > 0) {
        Status s = sink_->flush();
        note_result("flush", s);
        if (!s.is_ok()) {
          stats_.add_error();
          spdlog::warn("sink \"{}\": flush failed: {}", name_, s.message());
        } else {
          if (!stuck_) set_durable(written_ - std::min(written_, sink_->held_batches()));
          dirty = false;
        }
      } else if (!stuck_) {
        set_durable(written_);  // e.g. batches given to the sink that it wrote but had nothing to flush
      }
      next_flush = Clock::now() + interval;
    }
  }
  Status s = close_with_retry();
  if (!s.is_ok()) {
    spdlog::error("sink \"{}\": close failed: {}", name_, s.message());
    if (final_status_.is_ok()) final_status_ = s;
  } else if (!stuck_) {
    set_durable(written_);
  }
  if (events_lost_ > 0) {
    spdlog::error("sink \"{}\": {} events could not be written before shutdown", name_, events_lost_);
  }
}

void SinkRunner::set_durable(uint64_t batches) {
  while (confirmed_batches_ < batches && !unconfirmed_events_.empty()) {
    durable_events_.fetch_add(unconfirmed_events_.front());
    unconfirmed_events_.pop_front();
    ++confirmed_batches_;
  }
  durable_.store(batches);
}

Status SinkRunner::write_with_retry(const Batch& batch) {
  const int64_t started = steady_now_us();
  const bool traced = tracer_ != nullptr && !batch.origin.traces.empty();
  const int64_t started_ns = traced ? observe::unix_now_ns() : 0;
  Status s = with_retry("write", [&] { return sink_->write(batch); });
  if (s.is_ok()) {
    stats_.add_batch();
    stats_.batch_seconds.observe_us(steady_now_us() - started);
  }
  if (traced) {
    observe::Span details;
    details.attribute("sluice.component", name_)
        .attribute("sluice.type", stats_.type())
        .attribute("sluice.events", static_cast<int64_t>(batch.size()));
    if (!s.is_ok()) {
      details.error = true;
      details.error_message = s.message();
    }
    tracer_->record_stage(batch.origin.traces, "sink " + name_ + " write", started_ns, observe::unix_now_ns(), details,
                          nullptr);
  }
  return s;
}

void SinkRunner::note_result(const char* what, const Status& s) {
  std::lock_guard lock(health_mutex_);
  if (s.is_ok()) {
    health_ = Health{};
    return;
  }
  if (health_.ok) health_.failing_since_us = now_us();
  health_.ok = false;
  health_.error = std::string(what) + ": " + s.message();
}

// Closing writes what the sink still holds (the lake's open files), so it fails
// the way writes do — a full disk, a server down — and is retried the same way,
// until the shutdown deadline.
Status SinkRunner::close_with_retry() {
  return with_retry("close", [&] { return sink_->close(); });
}

Status SinkRunner::with_retry(const char* what, const std::function<Status()>& attempt) {
  int64_t backoff_us = 100'000;
  uint64_t failures = 0;
  while (true) {
    Status s = attempt();
    note_result(what, s);
    if (s.is_ok()) {
      if (failures > 0) spdlog::info("sink \"{}\": {} succeeded after {} retries", name_, what, failures);
      return s;
    }
    stats_.add_error();
    ++failures;
    // Log the first failure and then every tenth, so a sink that is down does not flood the log.
    if (failures == 1 || failures % 10 == 0) {
      spdlog::warn("sink \"{}\": {} failed ({} so far), retrying in {} ms: {}", name_, what, failures,
                   backoff_us / 1000, s.message());
    }
    int64_t now = steady_now_us();
    if (now + backoff_us > give_up_at_us_.load()) return s;
    // Sleep in short steps so a shutdown deadline set meanwhile is noticed.
    int64_t wake = now + backoff_us;
    while (steady_now_us() < wake && steady_now_us() < give_up_at_us_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(50, backoff_us / 1000)));
    }
    backoff_us = std::min<int64_t>(backoff_us * 2, 5'000'000);
  }
}

}  // namespace sluice::runtime

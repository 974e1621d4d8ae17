// ComponentStats: the live counters of one pipeline component.
//
// Written by the component's own thread with relaxed atomic adds, read by anyone
// (the console summary, /metrics, /api/v1/components) without locks. Counters only grow; rates
// are computed by readers from two snapshots.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/component_kind.h"
#include "observe/histogram.h"
#include "observe/request_stats.h"

namespace sluice::observe {

struct StatsSnapshot {
  uint64_t events_in = 0;
  uint64_t events_out = 0;
  uint64_t bytes_in = 0;   // sources: bytes received (request bodies)
  uint64_t bytes_out = 0;  // sources: bytes appended to the log; sinks: bytes written
  uint64_t batches = 0;
  uint64_t errors = 0;         // failed operations (a sink write, a source read)
  uint64_t dead_lettered = 0;  // events sent to <name>.dead_letter
  uint64_t discarded = 0;      // events on an output nobody reads (counted, never silent)
  uint64_t late = 0;           // events sent to <name>.late (a window had already closed)
  uint64_t evicted = 0;        // windows emitted before they were complete, to bound state
  uint64_t state_entries = 0;  // gauge: open windows (or other state entries) held now
  uint64_t already_written = 0;  // replayed events a sink found it already holds (not written twice)
  uint64_t promoted = 0;         // columns a sink widened to a new type (schema evolution)
};

// Notes: the latest line per key a component wants an operator to see (a
// window's newest result per service, an anomaly detector's last score), shown by
// the console summary. Set from the component's thread, read by anyone; bounded to
// kMaxKeys keys (later keys are ignored).
class Notes {
 public:
  static constexpr size_t kMaxKeys = 32;
  void set(std::string_view key, std::string line) {
    std::lock_guard lock(mutex_);
    for (auto& [k, v] : notes_) {
      if (k == key) {
        v = std::move(line);
        return;
      }
    }
    if (notes_.size() < kMaxKeys) notes_.emplace_back(std::string(key), std::move(line));
  }
  std::vector<std::pair<std::string, std::string>> snapshot() const {
    std::lock_guard lock(mutex_);
    return notes_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> notes_;
};

class ComponentStats {
 public:
  ComponentStats(std::string name, ComponentKind kind, std::string type)
      : name_(std::move(name)), kind_(kind), type_(std::move(type)) {}

  const std::string& name() const { return name_; }
  ComponentKind kind() const { return kind_; }
  const std::string& type() const { return type_; }

  void add_in(uint64_t events) { events_in_.fetch_add(events, std::memory_order_relaxed); }
  void add_out(uint64_t events) { events_out_.fetch_add(events, std::memory_order_relaxed); }
  void add_bytes_in(uint64_t bytes) { bytes_in_.fetch_add(bytes, std::memory_order_relaxed); }
  void add_bytes_out(uint64_t bytes) { bytes_out_.fetch_add(bytes, std::memory_order_relaxed); }
  void add_batch() { batches_.fetch_add(1, std::memory_order_relaxed); }
  void add_error(uint64_t n = 1) { errors_.fetch_add(n, std::memory_order_relaxed); }
  void add_dead_lettered(uint64_t events) { dead_lettered_.fetch_add(events, std::memory_order_relaxed); }
  void add_discarded(uint64_t events) { discarded_.fetch_add(events, std::memory_order_relaxed); }
  void add_late(uint64_t events) { late_.fetch_add(events, std::memory_order_relaxed); }
  void add_evicted(uint64_t windows) { evicted_.fetch_add(windows, std::memory_order_relaxed); }
  void set_state_entries(uint64_t entries) { state_entries_.store(entries, std::memory_order_relaxed); }
  void add_already_written(uint64_t events) { already_written_.fetch_add(events, std::memory_order_relaxed); }
  void add_promoted(uint64_t columns) { promoted_.fetch_add(columns, std::memory_order_relaxed); }

  Notes notes;
  // How long one batch took: a source's append to the log, a transform's
  // processing, a sink's write (retries included).
  Histogram batch_seconds{Histogram::latency_buckets()};
  // Sources that serve HTTP: their requests.
  RequestStats requests;

  StatsSnapshot snapshot() const {
    return StatsSnapshot{events_in_.load(std::memory_order_relaxed),   events_out_.load(std::memory_order_relaxed),
                         bytes_in_.load(std::memory_order_relaxed),    bytes_out_.load(std::memory_order_relaxed),   batches_.load(std::memory_order_relaxed),
                         errors_.load(std::memory_order_relaxed),      dead_lettered_.load(std::memory_order_relaxed),
                         discarded_.load(std::memory_order_relaxed),   late_.load(std::memory_order_relaxed),
                         evicted_.load(std::memory_order_relaxed),     state_entries_.load(std::memory_order_relaxed),
                         already_written_.load(std::memory_order_relaxed), promoted_.load(std::memory_order_relaxed)};
  }

 private:
  std::string name_;
  ComponentKind kind_;
  std::string type_;
  std::atomic<uint64_t> events_in_{0};
  std::atomic<uint64_t> events_out_{0};
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> dead_lettered_{0};
  std::atomic<uint64_t> discarded_{0};
  std::atomic<uint64_t> late_{0};
  std::atomic<uint64_t> evicted_{0};
  std::atomic<uint64_t> state_entries_{0};
  std::atomic<uint64_t> already_written_{0};
  std::atomic<uint64_t> promoted_{0};
};

}  // namespace sluice::observe

// DeliveryLatency: how long events take from their append to the log (when a
// producer is acknowledged) until every sink holds them durably and their offsets
// are committed — the end-to-end latency an operator promises.
//
// The log stores event time, not append time, so appends are remembered here:
// per topic and partition, each append's offset range and steady-clock time.
// When offsets are committed, every append below the committed offset is
// observed once per event and forgotten. Appends made before this process
// started (replayed after a restart) are not measured. At most kMaxPending
// appends are remembered per partition; past it the oldest are dropped unmeasured
// (a sink down for long), so memory stays bounded.
//
// Thread-safe: appends come from source threads, commits from the commit thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "observe/histogram.h"

namespace sluice::runtime {

class DeliveryLatency {
 public:
  static constexpr size_t kMaxPending = 65536;

  // Registers a topic; only registered topics are measured.
  void add_topic(const std::string& topic);
  void appended(const std::string& topic, int32_t partition, int64_t first_offset,
                int64_t last_offset, int64_t steady_us);
  void committed(const std::string& topic, int32_t partition, int64_t next_offset,
                 int64_t steady_us);

  // Per topic: the distribution of delivery latencies, one observation per event.
  std::vector<std::pair<std::string, observe::Histogram::Snapshot>> snapshot() const;
  // Appends remembered and not yet committed (for tests and the status API).
  size_t pending() const;

 private:
  struct Append {
    int64_t first_offset;
    int64_t last_offset;
    int64_t steady_us;
  };
  struct Topic {
    observe::Histogram histogram{observe::Histogram::lag_buckets()};
    std::map<int32_t, std::deque<Append>> partitions;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Topic>> topics_;
};

}  // namespace sluice::runtime

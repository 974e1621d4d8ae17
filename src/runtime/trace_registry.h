// TraceRegistry: which log records belong to a sampled trace, so the pipeline can
// continue the trace when it reads them back: an append of a traced request notes
// (topic, partition, offset range) → the append span's context; a batch read from
// the log picks up every context whose range it overlaps.
//
// Records become readable as soon as they are written, before their append has
// returned its offsets, so a reader could see them before they are noted: a traced
// append is announced first (begin_append), and a lookup on that topic waits for
// the announced appends to be noted (for at most a bound).
//
// In memory and bounded (the newest kCapacity appends): traces are a sample, so a
// restart, or records read long after they were written, simply end a trace at
// its append. Thread-safe: HTTP ingest threads add, the pipeline thread looks up.
#pragma once

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/trace_context.h"

namespace sluice::runtime {

class TraceRegistry {
 public:
  static constexpr size_t kCapacity = 4096;

  // A traced append to `topic` starts; end_append() once its ranges are added (or it failed).
  void begin_append(const std::string& topic);
  void end_append(const std::string& topic);
  void add(const std::string& topic, int32_t partition, int64_t first_offset, int64_t last_offset,
           const TraceContext& context);
  // Every context whose range overlaps [first_offset, last_offset], oldest first;
  // first waits up to `wait_us` while traced appends to the topic are under way.
  std::vector<TraceContext> find(const std::string& topic, int32_t partition, int64_t first_offset,
                                 int64_t last_offset, int64_t wait_us = 0) const;
  // Anything noted or under way: lookups can find something.
  bool active() const;

 private:
  struct Entry {
    std::string topic;
    int32_t partition;
    int64_t first_offset;
    int64_t last_offset;
    TraceContext context;
  };
  mutable std::mutex mutex_;
  mutable std::condition_variable appended_;
  std::deque<Entry> entries_;
  std::map<std::string, int> appending_;  // topic → traced appends under way
};

}  // namespace sluice::runtime

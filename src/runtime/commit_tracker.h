// CommitTracker: commits log offsets only once every sink made their output durable.
//
// The pipeline thread calls routed() after it handed a batch read from the log
// (topic, partition, offsets up to next_offset − 1) through the graph: at that
// moment it notes how many batches each sink had been given. A sink reports how
// many of the batches it was given are durable (written and flushed, in order).
// The offset becomes committable when every sink's durable count reached the
// count noted for it. Since the pipeline thread handles batches in order, this
// commits exactly the prefix of each partition that every sink holds durably —
// the lowest offset across sinks — and a crash replays everything after it.
//
// Thread-safe: routed() from the pipeline thread, commit_durable() from another.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "log/log.h"

namespace sluice::runtime {

class CommitTracker {
 public:
  // `given(i)` and `durable(i)`: batches given to / made durable by sink i.
  CommitTracker(log::Log& log, std::string group, size_t sinks, std::function<uint64_t(size_t)> given,
                std::function<uint64_t(size_t)> durable);

  void routed(const std::string& topic, int32_t partition, int64_t next_offset);
  // Commits what has become durable; returns the first commit error.
  Status commit_durable();

  uint64_t commits() const;

 private:
  struct Point {
    std::string topic;
    int32_t partition;
    int64_t next_offset;
    std::vector<uint64_t> required;  // per sink
  };

  log::Log& log_;
  std::string group_;
  size_t sinks_;
  std::function<uint64_t(size_t)> given_, durable_;
  mutable std::mutex mutex_;
  std::deque<Point> pending_;
  std::mutex commit_mutex_;  // one commit at a time, in order; guards unsaved_
  std::map<std::string, std::map<int32_t, int64_t>> unsaved_;
  std::atomic<uint64_t> commits_{0};
};

}  // namespace sluice::runtime

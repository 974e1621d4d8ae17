// RejectedEvents: events the lake could not store (a value that does not fit a
// declared column), kept as NDJSON files under `_rejected/` in the lake, one line
// per event with the reason — so nothing is dropped silently and the events can
// be fixed and replayed. Readers of the lake skip `_`-prefixed directories.
//
// Lines are buffered and committed as one file per flush (a new file each time, so
// a committed file never changes). At-least-once: after a crash a rejected event
// may be rejected again. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/batch.h"
#include "sink/lake/storage.h"

namespace sluice::sink::lake {

class RejectedEvents {
 public:
  explicit RejectedEvents(std::string prefix) : prefix_(std::move(prefix)) {}

  void add(const Event& event, const std::string& reason);
  bool empty() const { return pending_.empty() && !object_; }
  // Stores what was added since the last flush as a new file; retried where it
  // stopped after a failure.
  Status flush(LakeStorage& storage);
  void abort();

 private:
  std::string prefix_;
  std::string pending_;
  std::unique_ptr<LakeObject> object_;
  std::string temp_name_, final_name_;
  uint64_t sequence_ = 0;
};

}  // namespace sluice::sink::lake

// Event and Batch: the unit of data and the unit of work.
//
// An Event is an object Value plus its event time. A Batch is many events with the
// arena that holds their memory and where they came from (source, partition,
// offset range). Batches move between threads by value (std::move) or are shared
// read-only by several sinks through shared_ptr<const Batch>.
//
// Batches derived from another (a filter's output, a route's branches, dead
// letters) share its arena through the shared_ptr; all allocation for a batch and
// its derived batches happens on one thread at a time (the pipeline thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/trace_context.h"
#include "core/value.h"

namespace sluice {

struct Event {
  Value fields;          // always an object
  int64_t time_us = 0;   // event time, UTC microseconds
  // The log offset of the record this event came from (in its batch's source and
  // partition), carried through every transform that passes or rewrites an event,
  // so a sink can tell which records it already holds after a replay. -1 for
  // events that no single record produced (window results) and before the log.
  int64_t offset = -1;
};

struct BatchOrigin {
  std::string source;          // name of the source component
  int32_t partition = -1;      // log partition, -1 before the log
  int64_t first_offset = -1;   // log offsets covered, inclusive; -1 before the log
  int64_t last_offset = -1;
  // Sampled traces this batch belongs to: the span each stage's span is a child
  // of. Empty unless tracing is on and a traced request's events are in it.
  std::vector<TraceContext> traces;
};

// Where an event read back from a repartition topic (runtime/partitioned_state.h)
// was first read: its source's record, and its place among the events that record
// produced. `source` points into the batch's arena.
struct UpstreamPosition {
  std::string_view source;
  int32_t partition = -1;
  int64_t offset = -1;  // -1: no single record produced it (no identity)
  uint32_t ordinal = 0;
};

class Batch {
 public:
  Batch() : arena_(std::make_shared<Arena>()) {}
  explicit Batch(std::shared_ptr<Arena> arena) : arena_(std::move(arena)) {}

  // A new, empty batch that shares this batch's arena and origin.
  Batch derive() const {
    Batch out(arena_);
    out.origin = origin;
    return out;
  }

  Arena& arena() { return *arena_; }
  const std::shared_ptr<Arena>& shared_arena() const { return arena_; }

  size_t size() const { return events.size(); }
  bool empty() const { return events.empty(); }

  std::vector<Event> events;
  BatchOrigin origin;
  // Read from a repartition topic: one per event, in order. Empty otherwise; not
  // carried into derived batches.
  std::vector<UpstreamPosition> upstream;

 private:
  std::shared_ptr<Arena> arena_;
};

}  // namespace sluice

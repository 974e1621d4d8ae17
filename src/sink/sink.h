// Sink: writes batches to where the data is used (files, stores, the console).
//
// The runtime gives each sink a thread and a bounded queue of its own, so a slow
// sink does not stall the others. write() is called with batches in order; a
// failed write is retried by the runtime with backoff, so write() must be safe to
// call again with the same batch. flush() makes everything written so far durable
// or visible; it is called periodically and before close().
//
// A sink may hold output open across flushes (the lake keeps a file open until it
// is big or old enough): held_batches() then says how many of the batches most
// recently written are not durable yet, and the runtime commits their offsets only
// once that count drops. close() makes everything durable.
//
// The runtime gives a sink at most one batch per batch read from the log — what
// reached it by every path of the graph, merged — so per source partition the
// events' log offsets (Event::offset) never decrease from one event to the next.
#pragma once

#include <functional>
#include <memory>

#include "core/batch.h"
#include "core/config/options.h"
#include "core/status.h"
#include "runtime/build_context.h"

namespace sluice::sink {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status write(const Batch& batch) = 0;
  virtual Status flush() = 0;
  virtual Status close() { return flush(); }
  virtual uint64_t held_batches() const { return 0; }
};

// A sink type: its options and its factory; registered in runtime/registry.cpp.
struct SinkType {
  ComponentSpec spec;
  std::function<Result<std::unique_ptr<Sink>>(const BuildContext&)> make;
};

}  // namespace sluice::sink

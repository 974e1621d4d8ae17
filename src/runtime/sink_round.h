// SinkRound: what one sink receives while the pipeline thread handles one batch.
//
// A batch read from the log can reach a sink by several paths (a filter and its
// complement, two outputs of a route). Delivered one by one, the sink would see
// the same log range twice, its offsets going back in between; a sink that names
// its output after offsets (the lake) or stores them (SQLite) could then not tell
// a replay from new data. So the pipeline collects a sink's batches of one round
// (one batch read, one tick, the final flush) and hands them over merged: one
// batch per shared arena, its events in log-offset order.
//
// Not thread-safe: the pipeline thread owns it.
#pragma once

#include <memory>
#include <vector>

#include "core/batch.h"

namespace sluice::runtime {

class SinkRound {
 public:
  void add(std::shared_ptr<const Batch> batch) { batches_.push_back(std::move(batch)); }
  bool empty() const { return batches_.empty(); }

  // The round's batches merged, and the round emptied. Batches that share an
  // arena (every output derived from one input does) become one batch whose
  // events are stably ordered by Event::offset; others stay apart, in order.
  std::vector<std::shared_ptr<const Batch>> take();

 private:
  std::vector<std::shared_ptr<const Batch>> batches_;
};

}  // namespace sluice::runtime

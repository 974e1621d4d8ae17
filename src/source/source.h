// Source: turns something outside (a generator, an HTTP body, a file, a topic)
// into batches of events.
//
// The runtime calls run() on a thread of the source's own. A source hands every
// batch to ctx.emit(), which blocks while the pipeline is full (backpressure) and
// returns false once the pipeline is stopping; the source then returns. A bounded
// source (a generator with a count) returns when it is done; the pipeline ends
// when every source has returned and everything in flight is written.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/batch.h"
#include "core/config/options.h"
#include "core/status.h"
#include "runtime/build_context.h"

namespace sluice::source {

class SourceContext {
 public:
  virtual ~SourceContext() = default;
  // Hands a batch on; false when the pipeline is stopping and the batch was not taken.
  virtual bool emit(Batch&& batch) = 0;
  virtual bool stopping() const = 0;
  // Sleeps until `deadline_us` (steady clock, see steady_now_us) or until stop; false if stopping.
  virtual bool sleep_until_us(int64_t deadline_us) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual Status run(SourceContext& ctx) = 0;
};

// Monotonic microseconds, for pacing.
int64_t steady_now_us();

// A source type: its options and its factory; registered in runtime/registry.cpp.
struct SourceType {
  ComponentSpec spec;
  std::function<Result<std::unique_ptr<Source>>(const BuildContext&)> make;
};

}  // namespace sluice::source

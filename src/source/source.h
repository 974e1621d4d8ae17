// Source: turns something outside (a generator, an HTTP body, a file, a topic)
// into batches of events.
//
// The runtime calls run() on a thread (or threads) of the source's own. A source
// hands its batches to ctx.append(), which appends them to the source's log topic
// and returns once they are durable by the topic's policy — only then may the
// source acknowledge its producer. A bounded source (a generator with a count)
// returns when it is done; the pipeline ends when every source has returned and
// the pipeline has read everything they appended.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/config/options.h"
#include "core/event_time.h"
#include "core/status.h"
#include "core/time.h"
#include "runtime/build_context.h"

namespace sluice::source {

class SourceContext {
 public:
  virtual ~SourceContext() = default;
  // Appends the batch's events to the source's topic. Safe to call from several
  // threads. kResourceExhausted: the log is over a bound (disk, backlog) — tell the
  // producer to retry later; kUnavailable: the pipeline is stopping. On an error
  // nothing of the batch is acknowledged (parts may be stored: at-least-once).
  virtual Status append(Batch& batch) = 0;
  // append() for sources that can wait instead of refusing: retries while the log
  // is over a bound or out of reach. kUnavailable once stopping (nothing of the batch
  // acknowledged); another error as append() returned it, for the source to fail with
  // rather than read on past the batch — kTooLarge: an event the log cannot take
  // (larger than its records may be), which no retry changes.
  Status emit(Batch& batch);
  virtual bool stopping() const = 0;
  // Sleeps until `deadline_us` (steady clock, see steady_now_us) or until stop; false if stopping.
  virtual bool sleep_until_us(int64_t deadline_us) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual Status run(SourceContext& ctx) = 0;
};

// The event-time options of sources that receive events from outside (time_field,
// time_format), their check ("" when fine) and the EventTime they configure
// (nullopt: the source keeps the time it has, else ingest time).
std::vector<OptionSpec> event_time_options();
std::string check_event_time_options(const OptionValues& options);
std::optional<EventTime> event_time_from(const OptionValues& options);

// A source type: its options and its factory; registered in runtime/registry.cpp.
struct SourceType {
  ComponentSpec spec;
  std::function<Result<std::unique_ptr<Source>>(const BuildContext&)> make;
};

}  // namespace sluice::source

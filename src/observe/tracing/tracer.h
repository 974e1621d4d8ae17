// Tracer: samples traces, collects finished spans and exports them with OTLP over
// HTTP (JSON encoding) to a collector, from its own thread.
//
// Sampling is decided once per ingest request: a request whose `traceparent`
// header is valid continues that trace and follows its sampled flag (parent-based,
// so a trace is whole or absent); any other request starts a trace, sampled with
// the configured ratio. Only sampled traces cost anything past that decision.
//
// Never blocks the data path: spans wait in a bounded queue (full: dropped and
// counted), exports run every second (sooner when 512 spans wait), and a collector
// that is down or slow only costs failed exports, counted and logged rate-limited.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "observe/tracing/otlp_json.h"
#include "observe/tracing/span.h"

namespace sluice::observe {

class Tracer {
 public:
  struct Options {
    std::string endpoint;  // the collector's traces URL, e.g. http://127.0.0.1:4318/v1/traces
    double sampling = 0.01;
    std::string ca_file;  // https endpoints: the CA to verify the collector with (empty: the system's)
    TraceResource resource;
    size_t max_queued_spans = 8192;
    int64_t export_interval_us = 1'000'000;
    int64_t export_timeout_us = 5'000'000;
  };

  explicit Tracer(Options options);
  ~Tracer();  // exports what waits, then stops
  void start();
  void stop();

  // The context of a request's server span (see above). Not sampled: record nothing.
  TraceContext begin_request(std::string_view traceparent, std::array<uint8_t, 8>* parent_span_id);
  // A new span's context in the trace of `parent`.
  static TraceContext child_of(const TraceContext& parent);

  void record(Span&& span);

  // A stage's work on a batch (transform, sink write, append) as one span per
  // trace the batch belongs to, each a child of that trace's `parents` entry; the
  // new spans' contexts are appended to `children` (may be null), for the next stage.
  void record_stage(const std::vector<TraceContext>& parents, std::string_view name, int64_t start_unix_ns,
                    int64_t end_unix_ns, const Span& attributes_and_status, std::vector<TraceContext>* children);

  struct Counts {
    uint64_t exported = 0;
    uint64_t dropped = 0;  // the queue was full
    uint64_t failed = 0;   // the collector did not take them
  };
  Counts counts() const;
  const std::string& endpoint() const { return options_.endpoint; }

 private:
  void loop();
  void export_now(std::vector<Span>& spans);

  Options options_;
  uint64_t sampling_threshold_;  // a new trace is sampled when a random 64-bit draw is below it
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Span> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> exported_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> failed_{0};
};

// Wall-clock nanoseconds since the Unix epoch, for span times.
int64_t unix_now_ns();

}  // namespace sluice::observe

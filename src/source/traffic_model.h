// TrafficModel: synthetic events of a fleet of microservices, for demos, tests and
// load generation.
//
// Each event is one API call as an API gateway or service would log it: service,
// route, method, status, latency_ms, bytes, user_id, region, trace_id, plus fields
// that look like personal data (email, phone, card_number, client_ip) so that
// governance has something to find. Latency follows a log-normal distribution per
// route whose median rises and falls with the time of day (event time), and every
// so often (in event time) an anomaly episode of 2 to 5 minutes hits one service:
// an error burst (10-40% of its requests fail) or a latency spike (2.5-5× slower).
//
// Deterministic: the same options (seed, start time, interval) give byte-identical
// events on every machine; the model uses its own random number generator and
// distributions, never the standard library's implementation-defined ones.
//
// Not thread-safe; one model per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/arena.h"
#include "core/batch.h"

namespace sluice::source {

struct TrafficOptions {
  uint64_t seed = 1;
  int64_t start_time_us = 0;       // event time of the first event (UTC µs)
  int64_t interval_us = 1000;      // event time advances this much per event
  int64_t anomaly_interval_us = 900'000'000;  // mean event time between episodes (15 min); 0: none
  bool label_anomalies = false;    // add an "anomaly" field naming the episode, for scoring detectors
};

class TrafficModel {
 public:
  explicit TrafficModel(TrafficOptions options);

  // Builds the next event; its memory lives in `arena`.
  Event next(Arena& arena);

  // How many events were produced so far.
  uint64_t produced() const { return produced_; }

  // Services the model simulates, for tests and docs.
  static const std::vector<std::string>& service_names();

 private:
  struct State;
  TrafficOptions options_;
  uint64_t produced_ = 0;
  std::shared_ptr<State> state_;
};

}  // namespace sluice::source

// HTTP load generation for `sluice gen --url`: POSTs the generator's events to
// any HTTP JSON ingest endpoint and measures what the endpoint achieved.
//
// `concurrency` connections, each a thread with its own keep-alive libcurl
// handle, take numbered batches from one TrafficModel, so the events sent are the
// same for a seed no matter how they are spread over connections. Pacing is
// global: batch i is not sent before start + i * batch_size / rate. A 2xx answer
// counts the batch as accepted; anything else is counted by status, and transport
// failures (refused, reset, timeout) separately. Nothing is retried: this is a
// measuring tool, and a retry would hide what the endpoint did.
//
// `prerender` renders some batches before the run and cycles through them, for
// measuring an endpoint at rates a model-driven generator cannot feed.
//
// For delivery audits, `id_field` numbers the events and `ack_log` records which
// numbers the endpoint acknowledged, so a test can check each of them arrived.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "source/traffic_model.h"

namespace sluice::cli {

enum class LoadBody { kJsonArray, kNdjson };

struct HttpLoadOptions {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  size_t batch_size = 100;
  size_t concurrency = 4;
  double rate_eps = 0;      // events per second over all connections; 0 = as fast as possible
  int64_t duration_us = 0;  // 0 = no limit
  uint64_t count = 0;       // events; 0 = no limit (with no limit at all, runs until stopped)
  int64_t timeout_ms = 10000;
  LoadBody body = LoadBody::kJsonArray;
  std::string ca_file;
  std::string id_field;  // non-empty: add this field to every event, its sequence number (0, 1, …)
  uint64_t id_start = 0;  // the first sequence number (several generators, disjoint numbers)
  std::string ack_log;   // non-empty: append "<first> <last>" sequence numbers of each acknowledged batch
  // > 0: render this many batches before the run and send them in turn, so the
  // generator's own CPU (building and rendering events) stays out of the measurement.
  // The events then repeat, so this excludes id_field.
  size_t prerender = 0;
  source::TrafficOptions traffic;
};

struct HttpLoadReport {
  uint64_t events_sent = 0;
  uint64_t events_accepted = 0;
  uint64_t requests = 0;
  uint64_t requests_failed = 0;   // non-2xx answers and transport errors
  uint64_t transport_errors = 0;  // no HTTP answer at all
  std::map<int, uint64_t> status_counts;
  std::string first_error;        // the first failure, to show what went wrong
  double elapsed_s = 0;
  double events_per_s = 0;        // accepted events per second
  double latency_p50_ms = 0;
  double latency_p90_ms = 0;
  double latency_p99_ms = 0;
  double latency_max_ms = 0;
};

Result<HttpLoadReport> run_http_load(const HttpLoadOptions& options, const std::atomic<bool>& stop);

// A human-readable summary of a report, several lines.
std::string format_report(const HttpLoadReport& report);

}  // namespace sluice::cli

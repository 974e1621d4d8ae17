#include "cli/http_load.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::cli {
namespace {

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

// Hands out numbered batches of events from one model, so the sequence of events
// does not depend on which connection sends which batch. With `prerender` batches,
// those are rendered before the run and handed out in turn (a last, short batch is
// rendered when its turn comes).
class BatchSource {
 public:
  explicit BatchSource(const HttpLoadOptions& options)
      : options_(options),
        model_(options.traffic),
        id_field_(options.id_field.empty() ? kInvalidFieldId
                                           : FieldNames::intern(options.id_field)) {
    uint64_t full_batches = options.prerender;
    if (options.count > 0)
      full_batches = std::min<uint64_t>(full_batches, options.count / options.batch_size);
    prerendered_.resize(full_batches);
    for (std::string& body : prerendered_) render(options.batch_size, body);
  }

  // The clock the duration limit counts from.
  void start(int64_t start_us) { start_us_ = start_us; }

  // Points `body` at the next batch (`scratch` or a pre-rendered one); false when a
  // limit is reached or stop is set.
  bool next(std::string& scratch, const std::string** body, uint64_t* events, uint64_t* batch_index,
            const std::atomic<bool>& stop) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop.load()) return false;
    if (options_.duration_us > 0 && steady_us() - start_us_ >= options_.duration_us) return false;
    uint64_t n = options_.batch_size;
    if (options_.count > 0) {
      if (produced_ >= options_.count) return false;
      n = std::min<uint64_t>(n, options_.count - produced_);
    }
    *batch_index = batches_++;
    *events = n;
    if (!prerendered_.empty() && n == options_.batch_size) {
      *body = &prerendered_[*batch_index % prerendered_.size()];
    } else {
      render(n, scratch);
      *body = &scratch;
    }
    produced_ += n;
    return true;
  }

  // Events handed out before batch `index` (batches before the last are full).
  uint64_t events_before(uint64_t index) const { return index * options_.batch_size; }

 private:
  // The model's next `n` events as one body; ids continue from those rendered before.
  void render(uint64_t n, std::string& body) {
    arena_.reset();
    body.clear();
    if (options_.body == LoadBody::kJsonArray) body += '[';
    for (uint64_t i = 0; i < n; ++i) {
      Event e = model_.next(arena_);
      if (id_field_ != kInvalidFieldId) {
        ObjectBuilder with_id(arena_, e.fields.size() + 1);
        with_id.append_unique(
            id_field_, Value::integer(static_cast<int64_t>(options_.id_start + rendered_ + i)));
        for (const Field& f : e.fields.as_object()) with_id.set(f.name, f.value);
        e.fields = with_id.finish();
      }
      if (options_.body == LoadBody::kJsonArray) {
        if (i > 0) body += ',';
        format::append_json(e.fields, body);
      } else {
        format::append_ndjson_line(e, body);
      }
    }
    if (options_.body == LoadBody::kJsonArray) body += ']';
    rendered_ += n;
  }

  const HttpLoadOptions& options_;
  std::mutex mutex_;
  source::TrafficModel model_;
  Arena arena_;
  int64_t start_us_ = 0;
  uint64_t produced_ = 0;
  uint64_t rendered_ = 0;
  uint64_t batches_ = 0;
  FieldId id_field_;
  std::vector<std::string> prerendered_;
};

// Appends acknowledged ranges to the ack log; shared by the connections.
class AckLog {
 public:
  explicit AckLog(const std::string& path) : file_(path.empty() ? nullptr : std::fopen(path.c_str(), "a")) {}
  ~AckLog() {
    if (file_) std::fclose(file_);
  }
  bool failed_to_open(const std::string& path) const { return !path.empty() && !file_; }
  void record(uint64_t first, uint64_t last) {
    if (!file_) return;
    std::lock_guard lock(mutex_);
    std::fprintf(file_, "%llu %llu\n", static_cast<unsigned long long>(first), static_cast<unsigned long long>(last));
    std::fflush(file_);
  }

 private:
  std::FILE* file_;
  std::mutex mutex_;
};

struct ConnectionResult {
  uint64_t events_sent = 0;
  uint64_t events_accepted = 0;
  uint64_t requests = 0;
  uint64_t requests_failed = 0;
  uint64_t transport_errors = 0;
  std::map<int, uint64_t> status_counts;
  std::vector<double> latencies_ms;
  std::string first_error;
};

// Sleeps until `due_us` on the steady clock in short slices, so stop is noticed.
void wait_until(int64_t due_us, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    int64_t left = due_us - steady_us();
    if (left <= 0) return;
    std::this_thread::sleep_for(std::chrono::microseconds(std::min<int64_t>(left, 100000)));
  }
}

void run_connection(const HttpLoadOptions& options, BatchSource& batches, curl_slist* headers, int64_t start_us,
                    const std::atomic<bool>& stop, AckLog& acks, ConnectionResult* result) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    result->first_error = "curl_easy_init failed";
    return;
  }
  CURL* h = curl.get();
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, long(options.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(std::min<int64_t>(options.timeout_ms, 5000)));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  if (!options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());

  std::string scratch;
  const std::string* body = nullptr;
  uint64_t events = 0, index = 0;
  while (batches.next(scratch, &body, &events, &index, stop)) {
    if (options.rate_eps > 0) {
      wait_until(start_us + int64_t(double(batches.events_before(index)) * 1e6 / options.rate_eps), stop);
      // A batch whose turn comes after the end of the run is not sent.
      if (stop.load() || (options.duration_us > 0 && steady_us() - start_us >= options.duration_us)) break;
    }
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body->size()));
    error_buffer[0] = '\0';
    const int64_t sent_at = steady_us();
    CURLcode code = curl_easy_perform(h);
    const double latency_ms = double(steady_us() - sent_at) / 1000.0;
    ++result->requests;
    result->events_sent += events;
    if (code != CURLE_OK) {
      ++result->transport_errors;
      ++result->requests_failed;
      if (result->first_error.empty()) {
        result->first_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
      }
      continue;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    ++result->status_counts[int(status)];
    result->latencies_ms.push_back(latency_ms);
    if (status >= 200 && status < 300) {
      result->events_accepted += events;
      acks.record(options.id_start + batches.events_before(index),
                  options.id_start + batches.events_before(index) + events - 1);
    } else {
      ++result->requests_failed;
      if (result->first_error.empty()) result->first_error = "HTTP status " + std::to_string(status);
    }
  }
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = size_t(std::ceil(p * double(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

Result<HttpLoadReport> run_http_load(const HttpLoadOptions& options, const std::atomic<bool>& stop) {
  static const CURLcode global_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global_init != CURLE_OK) return Status::internal("libcurl failed to initialise");
  if (options.batch_size == 0 || options.concurrency == 0) {
    return Status::invalid("batch size and concurrency must be at least 1");
  }
  // Reject a malformed URL before starting threads, with curl's own reason.
  {
    std::unique_ptr<CURLU, void (*)(CURLU*)> url(curl_url(), &curl_url_cleanup);
    CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, options.url.c_str(), 0);
    if (rc != CURLUE_OK) return Status::invalid("invalid URL \"" + options.url + "\": " + curl_url_strerror(rc));
    char* scheme = nullptr;
    if (curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
      std::string s = scheme;
      curl_free(scheme);
      if (s != "http" && s != "https") return Status::invalid("invalid URL \"" + options.url + "\": use http:// or https://");
    }
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, &curl_slist_free_all);
  auto add_header = [&](const std::string& h) { headers.reset(curl_slist_append(headers.release(), h.c_str())); };
  add_header(options.body == LoadBody::kJsonArray ? "Content-Type: application/json" : "Content-Type: application/x-ndjson");
  add_header("Expect:");  // no 100-continue round trip per request
  for (const std::string& h : options.headers) {
    if (h.find(':') == std::string::npos) return Status::invalid("header \"" + h + "\" is not \"Name: value\"");
    add_header(h);
  }

  if (options.prerender > 0 && !options.id_field.empty()) {
    return Status::invalid(
        "pre-rendered batches repeat their events, so they cannot carry unique ids (" +
        options.id_field + "): use one or the other");
  }
  BatchSource batches(options);  // renders any pre-rendered batches: not part of the run
  const int64_t start_us = steady_us();
  batches.start(start_us);
  AckLog acks(options.ack_log);
  if (acks.failed_to_open(options.ack_log)) return Status::io_error("cannot open ack log " + options.ack_log);
  std::vector<ConnectionResult> results(options.concurrency);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < options.concurrency; ++i) {
    threads.emplace_back(run_connection, std::cref(options), std::ref(batches), headers.get(), start_us, std::cref(stop),
                         std::ref(acks),
                         &results[i]);
  }
  for (std::thread& t : threads) t.join();

  HttpLoadReport report;
  report.elapsed_s = double(steady_us() - start_us) / 1e6;
  std::vector<double> latencies;
  for (const ConnectionResult& r : results) {
    report.events_sent += r.events_sent;
    report.events_accepted += r.events_accepted;
    report.requests += r.requests;
    report.requests_failed += r.requests_failed;
    report.transport_errors += r.transport_errors;
    for (const auto& [status, n] : r.status_counts) report.status_counts[status] += n;
    latencies.insert(latencies.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    if (report.first_error.empty()) report.first_error = r.first_error;
  }
  std::sort(latencies.begin(), latencies.end());
  report.latency_p50_ms = percentile(latencies, 0.50);
  report.latency_p90_ms = percentile(latencies, 0.90);
  report.latency_p99_ms = percentile(latencies, 0.99);
  report.latency_max_ms = latencies.empty() ? 0 : latencies.back();
  report.events_per_s = report.elapsed_s > 0 ? double(report.events_accepted) / report.elapsed_s : 0;
  return report;
}

std::string format_report(const HttpLoadReport& r) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "events: %llu sent, %llu accepted in %.2f s = %.0f events/s\n",
                static_cast<unsigned long long>(r.events_sent), static_cast<unsigned long long>(r.events_accepted),
                r.elapsed_s, r.events_per_s);
  out += buf;
  std::snprintf(buf, sizeof buf, "requests: %llu, failed %llu (transport errors %llu)\n",
                static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.requests_failed),
                static_cast<unsigned long long>(r.transport_errors));
  out += buf;
  if (!r.status_counts.empty()) {
    out += "status:";
    for (const auto& [status, n] : r.status_counts) out += " " + std::to_string(status) + "×" + std::to_string(n);
    out += '\n';
  }
  std::snprintf(buf, sizeof buf, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", r.latency_p50_ms,
                r.latency_p90_ms, r.latency_p99_ms, r.latency_max_ms);
  out += buf;
  if (!r.first_error.empty()) out += "first error: " + r.first_error + "\n";
  return out;
}

}  // namespace sluice::cli

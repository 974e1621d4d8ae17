#include "observe/tracing/tracer.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <random>

namespace sluice::observe {

namespace {

constexpr size_t kExportBatch = 512;

size_t discard_body(char*, size_t size, size_t n, void*) {
  return size * n;
}

uint64_t random_u64() {
  thread_local std::mt19937_64 g{std::random_device{}()};
  return g();
}

}  // namespace

int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Tracer::Tracer(Options options) : options_(std::move(options)) {
  const double ratio = std::clamp(options_.sampling, 0.0, 1.0);
  sampling_threshold_ = ratio >= 1.0 ? UINT64_MAX : static_cast<uint64_t>(std::ldexp(ratio, 64));
}

Tracer::~Tracer() {
  stop();
}

void Tracer::start() {
  thread_ = std::thread([this] { loop(); });
}

void Tracer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

TraceContext Tracer::begin_request(std::string_view traceparent, std::array<uint8_t, 8>* parent_span_id) {
  *parent_span_id = {};
  if (!traceparent.empty()) {
    if (std::optional<TraceContext> parent = parse_traceparent(traceparent)) {
      *parent_span_id = parent->span_id;
      return child_of(*parent);
    }
  }
  TraceContext c;
  c.trace_id = random_trace_id();
  c.span_id = random_span_id();
  c.sampled = sampling_threshold_ == UINT64_MAX || random_u64() < sampling_threshold_;
  return c;
}

TraceContext Tracer::child_of(const TraceContext& parent) {
  TraceContext c = parent;
  c.span_id = random_span_id();
  return c;
}

void Tracer::record(Span&& span) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queued_spans) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(span));
    if (queue_.size() < kExportBatch) return;
  }
  wake_.notify_one();
}

void Tracer::record_stage(const std::vector<TraceContext>& parents, std::string_view name, int64_t start_unix_ns,
                          int64_t end_unix_ns, const Span& details, std::vector<TraceContext>* children) {
  for (const TraceContext& parent : parents) {
    if (!parent.sampled) continue;
    Span s = details;
    s.context = child_of(parent);
    s.parent_span_id = parent.span_id;
    s.name = std::string(name);
    s.kind = Span::Kind::kInternal;
    s.start_unix_ns = start_unix_ns;
    s.end_unix_ns = end_unix_ns;
    if (children) children->push_back(s.context);
    record(std::move(s));
  }
}

Tracer::Counts Tracer::counts() const {
  return {exported_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed),
          failed_.load(std::memory_order_relaxed)};
}

void Tracer::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::microseconds(options_.export_interval_us),
                   [this] { return stopping_ || queue_.size() >= kExportBatch; });
    std::vector<Span> spans;
    spans.swap(queue_);
    const bool last = stopping_;
    lock.unlock();
    // In batches of kExportBatch, so one request stays small.
    for (size_t from = 0; from < spans.size(); from += kExportBatch) {
      std::vector<Span> part(std::make_move_iterator(spans.begin() + static_cast<ptrdiff_t>(from)),
                             std::make_move_iterator(spans.begin() +
                                                     static_cast<ptrdiff_t>(std::min(spans.size(), from + kExportBatch))));
      export_now(part);
    }
    lock.lock();
    if (last) return;
  }
}

void Tracer::export_now(std::vector<Span>& spans) {
  if (spans.empty()) return;
  const std::string body = encode_otlp_json(options_.resource, spans);
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    failed_.fetch_add(spans.size(), std::memory_order_relaxed);
    return;
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, options_.endpoint.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.export_timeout_us / 1000));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // Never without verification: a collector must prove it is the one configured.
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK && status >= 200 && status < 300) {
    exported_.fetch_add(spans.size(), std::memory_order_relaxed);
    return;
  }
  failed_.fetch_add(spans.size(), std::memory_order_relaxed);
  spdlog::warn("traces: export of {} spans to {} failed: {}", spans.size(), options_.endpoint,
               rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP " + std::to_string(status));
}

}  // namespace sluice::observe

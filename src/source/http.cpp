#include "source/http.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <optional>

#include "core/ascii.h"
#include "core/event_time.h"
#include "format/content_encoding.h"
#include "format/json_reader.h"
#include "format/json_writer.h"
#include "governance/rejected_requests.h"
#include "server/http_server.h"
#include "core/listen_address.h"

namespace sluice::source {
namespace {

constexpr size_t kMaxReportedErrors = 100;

// "application/json; charset=utf-8" → "application/json"
std::string media_type(std::string_view content_type) {
  return lower_ascii(trim_ascii_space(content_type.substr(0, content_type.find(';'))));
}

std::string json_error(std::string_view message) {
  std::string out = R"({"error":)";
  format::append_json_string(message, out);
  out += "}";
  return out;
}

class HttpSource final : public Source {
 public:
  explicit HttpSource(const BuildContext& ctx)
      : name_(ctx.name()), stats_(ctx.stats), tracer_(ctx.tracer), rejected_(ctx.audit, ctx.name()) {
    const OptionValues& o = ctx.options();
    const ListenAddress address = parse_listen_address(o.get_string("address")).value();
    options_.host = address.host;
    options_.port = address.port;
    options_.max_body_bytes = static_cast<size_t>(o.get_int("max_body_size"));
    options_.threads = static_cast<int>(o.get_int("threads"));
    options_.max_connections = static_cast<size_t>(o.get_int("max_connections"));
    options_.header_timeout_us = o.get_int("header_timeout");
    options_.body_timeout_us = o.get_int("body_timeout");
    options_.idle_timeout_us = o.get_int("idle_timeout");
    if (o.has("tls_cert")) options_.tls_cert_file = o.get_string("tls_cert");
    if (o.has("tls_key")) options_.tls_key_file = o.get_string("tls_key");
    path_ = o.get_string("path");
    if (o.has("api_keys")) api_keys_ = o.get_strings("api_keys");
    accept_valid_ = o.get_string("on_invalid") == "accept_valid";
    retry_after_s_ = std::max<int64_t>(1, o.get_int("retry_after") / 1'000'000);
    event_time_ = event_time_from(o);
    options_.on_response = [&stats = stats_](int status, int64_t us) { stats.requests.record(status, us); };
    limits_.max_body_bytes = options_.max_body_bytes;
    limits_.max_event_bytes = std::min<size_t>(options_.max_body_bytes, limits_.max_event_bytes);
  }

  Status run(SourceContext& ctx) override {
    server::HttpServer server(
        options_, [this](const server::HttpRequest& r) { return check(r); },
        [this, &ctx](server::HttpRequest& r) { return tracer_ ? handle_traced(r, ctx) : handle(r, ctx, {}); });
    SLUICE_RETURN_IF_ERROR(server.start());
    spdlog::info("source \"{}\": listening on {}:{}{} ({})", name_, options_.host, server.port(), path_,
                 options_.tls_cert_file.empty() ? "http" : "https");
    while (ctx.sleep_until_us(steady_now_us() + 200'000)) {
    }
    server.stop();
    return Status::ok();
  }

 private:
  std::optional<server::HttpResponse> check(const server::HttpRequest& r) {
    if (r.path() != path_) {
      return reject(404, json_error("no such path; events are posted to " + path_));
    }
    if (r.method != "POST") {
      auto res = reject(405, json_error("use POST"));
      res.headers.emplace_back("Allow", "POST");
      return res;
    }
    if (!api_keys_.empty()) {
      std::string_view key = r.header("x-api-key");
      std::string_view auth = r.header("authorization");
      if (key.empty() && auth.size() > 7 && lower_ascii(auth.substr(0, 7)) == "bearer ") key = auth.substr(7);
      if (key.empty()) {
        rejected_.count(401);
        auto res = reject(401, json_error("an API key is required (Authorization: Bearer <key> or X-API-Key)"));
        res.headers.emplace_back("WWW-Authenticate", "Bearer");
        return res;
      }
      if (!known_key(key)) {
        rejected_.count(403);
        return reject(403, json_error("the API key is not valid for this source"));
      }
    }
    const std::string type = media_type(r.header("content-type"));
    if (!type.empty() && type != "application/json" && type != "application/x-ndjson" && type != "application/ndjson" &&
        type != "application/jsonl" && type != "application/jsonlines") {
      return reject(415, json_error("unsupported Content-Type \"" + std::string(r.header("content-type")) +
                                    "\" (use application/json or application/x-ndjson)"));
    }
    const std::string encoding = lower_ascii(r.header("content-encoding"));
    if (!encoding.empty() && encoding != "identity" && encoding != "gzip" && encoding != "x-gzip" && encoding != "zstd") {
      return reject(415, json_error("unsupported Content-Encoding \"" + std::string(r.header("content-encoding")) +
                                    "\" (use gzip, zstd or none)"));
    }
    return std::nullopt;
  }

  // The request as a server span (a child of its traceparent, when it has one);
  // its events carry the span on through the log to every transform and sink.
  server::HttpResponse handle_traced(server::HttpRequest& r, SourceContext& ctx) {
    std::array<uint8_t, 8> parent{};
    const TraceContext span = tracer_->begin_request(r.header("traceparent"), &parent);
    if (!span.sampled) return handle(r, ctx, {});
    const int64_t started_ns = observe::unix_now_ns();
    size_t accepted = 0;
    server::HttpResponse res = handle(r, ctx, span, &accepted);
    observe::Span s;
    s.context = span;
    s.parent_span_id = parent;
    s.name = std::string(r.method) + " " + std::string(r.path());
    s.kind = observe::Span::Kind::kServer;
    s.start_unix_ns = started_ns;
    s.end_unix_ns = observe::unix_now_ns();
    s.attribute("http.request.method", r.method)
        .attribute("url.path", std::string(r.path()))
        .attribute("http.response.status_code", static_cast<int64_t>(res.status))
        .attribute("http.request.body.size", static_cast<int64_t>(r.body.size()))
        .attribute("sluice.component", name_)
        .attribute("sluice.events_accepted", static_cast<int64_t>(accepted));
    if (res.status >= 500) {
      s.error = true;
      s.error_message = res.body.substr(0, 200);
    }
    tracer_->record(std::move(s));
    return res;
  }

  server::HttpResponse handle(server::HttpRequest& r, SourceContext& ctx, const TraceContext& trace,
                              size_t* accepted_out = nullptr) {
    std::string decoded;
    std::string_view body = r.body;
    const std::string_view encoding = r.header("content-encoding");
    if (!encoding.empty() && lower_ascii(encoding) != "identity") {
      Status s = format::decode_content(encoding, r.body, options_.max_body_bytes, &decoded);
      if (!s.is_ok()) {
        const int status = s.code() == StatusCode::kResourceExhausted ? 413 : s.code() == StatusCode::kNotFound ? 415 : 400;
        return reject(status, json_error(s.message()));
      }
      body = decoded;
    }
    stats_.add_bytes_in(body.size());  // every body taken in, accepted or not
    const std::string type = media_type(r.header("content-type"));
    const format::BodyFormat body_format =
        type.empty() || type == "application/json" ? format::BodyFormat::kAuto : format::BodyFormat::kNdjson;

    Batch batch;
    batch.origin.source = name_;
    if (trace.sampled) batch.origin.traces.push_back(trace);
    std::vector<format::JsonError> errors;
    Status parsed;
    {
      auto reader = borrow_reader();
      parsed = reader->read_events(body, body_format, batch, &errors);
      give_back(std::move(reader));
    }
    if (!parsed.is_ok()) {
      const int status = parsed.code() == StatusCode::kResourceExhausted ? 413 : 400;
      return reject(status, json_error(parsed.message()));
    }
    if (batch.empty() && errors.empty()) return reject(400, json_error("the body holds no events"));
    stats_.add_in(batch.size() + errors.size());  // every event the body held, valid or not
    if (event_time_) take_event_times(batch, errors);
    size_t accepted = 0;
    if (errors.empty() || accept_valid_) {
      if (!batch.empty()) {
        Status s = ctx.append(batch);
        if (s.code() == StatusCode::kResourceExhausted || s.code() == StatusCode::kUnavailable) {
          stats_.add_error();
          auto res = server::HttpResponse::json(503, json_error(s.message()));
          res.headers.emplace_back("Retry-After", std::to_string(retry_after_s_));
          return res;
        }
        if (s.code() == StatusCode::kTooLarge) {  // an event larger than the log takes
          stats_.add_error();
          return server::HttpResponse::json(413, json_error(s.message()));
        }
        if (!s.is_ok()) {
          stats_.add_error();
          spdlog::error("source \"{}\": append failed: {}", name_, s.message());
          return server::HttpResponse::json(500, json_error("the event log failed; nothing of this request is acknowledged"));
        }
        accepted = batch.size();
        if (accepted_out) *accepted_out = accepted;
        stats_.add_out(accepted);
        stats_.add_batch();
      }
    }
    if (errors.empty()) return server::HttpResponse::json(200, R"({"accepted":)" + std::to_string(accepted) + "}");
    stats_.add_error();
    std::string out = R"({"accepted":)" + std::to_string(accepted) + R"(,"rejected":)" + std::to_string(errors.size()) +
                      R"(,"errors":[)";
    for (size_t i = 0; i < errors.size() && i < kMaxReportedErrors; ++i) {
      out += i ? "," : "";
      out += R"({"index":)" + std::to_string(errors[i].index) + R"(,"byte":)" + std::to_string(errors[i].byte_offset) +
             R"(,"error":)";
      format::append_json_string(errors[i].message, out);
      out += "}";
    }
    out += "]";
    if (errors.size() > kMaxReportedErrors) out += R"(,"errors_truncated":true)";
    out += "}";
    return server::HttpResponse::json(400, std::move(out));
  }

  // Sets each event's time from the time field; an event whose field cannot be read
  // becomes an error of the report (with its index in the body) instead.
  void take_event_times(Batch& batch, std::vector<format::JsonError>& errors) const {
    std::vector<size_t> bad_indices;
    for (const auto& e : errors) bad_indices.push_back(e.index);
    std::sort(bad_indices.begin(), bad_indices.end());
    size_t body_index = 0, bad = 0, kept = 0;
    for (size_t i = 0; i < batch.events.size(); ++i, ++body_index) {
      while (bad < bad_indices.size() && bad_indices[bad] == body_index) {
        ++bad;
        ++body_index;
      }
      Status s = event_time_->apply(batch.events[i]);
      if (!s.is_ok()) {
        errors.push_back({body_index, 0, "event " + std::to_string(body_index) + ": " + s.message()});
        continue;
      }
      batch.events[kept++] = batch.events[i];
    }
    batch.events.resize(kept);
    std::sort(errors.begin(), errors.end(),
              [](const format::JsonError& a, const format::JsonError& b) { return a.index < b.index; });
  }

  bool known_key(std::string_view key) const {
    bool found = false;
    for (const std::string& k : api_keys_) {
      // Constant time per candidate, so response timing does not reveal a key's prefix.
      if (k.size() == key.size() && CRYPTO_memcmp(k.data(), key.data(), k.size()) == 0) found = true;
    }
    return found;
  }

  server::HttpResponse reject(int status, std::string body) {
    stats_.add_error();
    return server::HttpResponse::json(status, std::move(body));
  }

  // JsonReaders are not thread-safe and are worth reusing (they keep their buffers).
  std::unique_ptr<format::JsonReader> borrow_reader() {
    std::lock_guard lock(readers_mutex_);
    if (readers_.empty()) return std::make_unique<format::JsonReader>(limits_);
    auto r = std::move(readers_.back());
    readers_.pop_back();
    return r;
  }
  void give_back(std::unique_ptr<format::JsonReader> r) {
    std::lock_guard lock(readers_mutex_);
    readers_.push_back(std::move(r));
  }

  std::string name_;
  observe::ComponentStats& stats_;
  observe::Tracer* tracer_;
  governance::RejectedRequests rejected_;  // refused API keys, into the audit log
  server::HttpServerOptions options_;
  std::string path_;
  std::vector<std::string> api_keys_;
  bool accept_valid_ = false;
  int64_t retry_after_s_ = 1;
  format::JsonLimits limits_;
  std::optional<EventTime> event_time_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<format::JsonReader>> readers_;
};

std::string check_options(const OptionValues& o) {
  if (auto address = parse_listen_address(o.get_string("address")); !address) {
    return "address: " + address.status().message();
  }
  if (!o.get_string("path").starts_with("/")) return "path: must start with /";
  if (o.has("tls_cert") != o.has("tls_key")) return "tls_cert and tls_key go together: give both or neither";
  return check_event_time_options(o);
}

}  // namespace

SourceType http_source_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSource;
  spec.type = "http";
  spec.summary = "HTTP ingest: producers POST JSON, JSON arrays or NDJSON and get 200 once the events are durable.";
  spec.options = {
      OptionSpec::optional("address", OptionType::kString, "0.0.0.0:8080", "host:port to listen on."),
      OptionSpec::optional("path", OptionType::kString, "/v1/events", "Path that accepts POSTed events."),
      OptionSpec::optional("max_body_size", OptionType::kSize, "10MiB",
                           "Largest request body, before and after decompression (413 past it).")
          .between(1024, double(1u << 30)),
      OptionSpec::optional("api_keys", OptionType::kStringList, "",
                           "Keys a producer must send (Authorization: Bearer or X-API-Key); empty: no key needed."),
      OptionSpec::optional("on_invalid", OptionType::kEnum, "reject",
                           "A body with malformed events: reject stores none of it; accept_valid stores the good "
                           "events. Both answer 400 with a report per bad event.")
          .one_of({"reject", "accept_valid"}),
      OptionSpec::optional("tls_cert", OptionType::kString, "", "PEM certificate chain file; with tls_key: HTTPS."),
      OptionSpec::optional("tls_key", OptionType::kString, "", "PEM private key file."),
      OptionSpec::optional("threads", OptionType::kInt, "4",
                           "I/O threads; appends waiting for an fsync occupy one each.")
          .between(1, 256),
      OptionSpec::optional("max_connections", OptionType::kInt, "10000",
                           "Open connections at most; more get 503 and are closed.")
          .between(1, 1000000),
      OptionSpec::optional("header_timeout", OptionType::kDuration, "10s",
                           "Time a client has to send a request's headers.")
          .at_least(1000),
      OptionSpec::optional("body_timeout", OptionType::kDuration, "30s",
                           "Time a client has to send a request's body.")
          .at_least(1000),
      OptionSpec::optional("idle_timeout", OptionType::kDuration, "60s",
                           "A keep-alive connection with no new request is closed after this.")
          .at_least(1000),
      OptionSpec::optional("retry_after", OptionType::kDuration, "1s",
                           "Retry-After sent with 503 when the log is over its bounds.")
          .at_least(1'000'000),
  };
  for (OptionSpec& option : event_time_options()) spec.options.push_back(std::move(option));
  spec.check = check_options;
  return SourceType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Source>> {
                      return std::unique_ptr<Source>(std::make_unique<HttpSource>(ctx));
                    }};
}

}  // namespace sluice::source

#include "observe/admin_server.h"

#include "core/time.h"
#include "observe/metrics_text.h"
#include "observe/process_stats.h"
#include "observe/status_json.h"

namespace sluice::observe {

AdminServer::AdminServer(std::string host, uint16_t port, std::string version, StatusSource status,
                         std::string tls_cert_file, std::string tls_key_file)
    : host_(std::move(host)), tls_(!tls_cert_file.empty()), version_(std::move(version)), status_(std::move(status)) {
  server::HttpServerOptions options;
  options.tls_cert_file = std::move(tls_cert_file);
  options.tls_key_file = std::move(tls_key_file);
  options.host = host_;
  options.port = port;
  options.threads = 2;
  options.max_connections = 256;
  options.max_body_bytes = 64 << 10;
  options.on_response = [this](int code, int64_t us) { requests_.record(code, us); };
  server_ = std::make_unique<server::HttpServer>(
      options,
      [](const server::HttpRequest& r) -> std::optional<server::HttpResponse> {
        if (r.method != "GET" && r.method != "HEAD") {
          auto res =
              server::HttpResponse::json(405, R"({"error":"the admin API is read-only: use GET"})");
          res.headers.emplace_back("Allow", "GET, HEAD");
          return res;
        }
        return std::nullopt;
      },
      [this](server::HttpRequest& r) { return handle(r); });
}

AdminServer::~AdminServer() {
  stop();
}

Status AdminServer::start() {
  return server_->start().with_context("admin address " + host_);
}

void AdminServer::stop() {
  server_->stop();
}

std::optional<server::HttpResponse> AdminServer::route(const server::HttpRequest& r) const {
  for (const Route& route : routes_) {
    if (std::optional<server::HttpResponse> res = route(r)) return res;
  }
  return std::nullopt;
}

server::HttpResponse AdminServer::handle(const server::HttpRequest& r) {
  const std::string_view path = r.path();
  const int64_t now = now_us();
  server::HttpResponse res;
  res.headers.emplace_back("Cache-Control", "no-store");
  if (path == "/metrics") {
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = render_metrics(status_(), read_process_stats(), requests_, version_, now);
  } else if (path == "/health") {
    res.body = render_health(status_(), version_, now);
  } else if (path == "/ready") {
    Readiness ready = render_ready(status_());
    res.status = ready.ready ? 200 : 503;
    res.body = std::move(ready.json);
  } else if (path == "/api/v1/components") {
    res.body = render_components(status_(), now);
  } else if (std::optional<server::HttpResponse> routed = route(r)) {
    res = std::move(*routed);
  } else {
    res.status = 404;
    res.body =
        R"({"error":"no such endpoint; try /, /metrics, /health, /ready or /api/v1/components"})";
  }
  if (r.method == "HEAD") res.body.clear();
  return res;
}

}  // namespace sluice::observe

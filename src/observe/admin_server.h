// AdminServer: the admin address of a running pipeline.
//
//   GET /metrics             Prometheus text format (metrics_text.h)
//   GET /health              alive (200 while the process answers)
//   GET /ready               200 when the log answers and every sink writes, else 503
//   GET /api/v1/components   live statistics and the pipeline graph (status_json.h)
//   and whatever added routes answer (the dashboard, dashboard/dashboard_routes.h).
//
// Read-only and unauthenticated, like Prometheus exporters: bind it to loopback or
// an internal interface. It runs on its own two I/O threads, so a slow scrape never
// touches the data path; each request takes a fresh PipelineStatus.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "observe/pipeline_status.h"
#include "observe/request_stats.h"
#include "server/http_server.h"

namespace sluice::observe {

class AdminServer {
 public:
  using StatusSource = std::function<PipelineStatus()>;
  // Answers a GET it knows, or nullopt to let the next route (or the 404) answer.
  using Route = std::function<std::optional<server::HttpResponse>(const server::HttpRequest&)>;

  // With `tls_cert_file` and `tls_key_file`: HTTPS only.
  AdminServer(std::string host, uint16_t port, std::string version, StatusSource status,
              std::string tls_cert_file = "", std::string tls_key_file = "");
  ~AdminServer();

  // Before start(): routes are asked in the order added, after the built-in ones.
  void add_route(Route route) { routes_.push_back(std::move(route)); }

  Status start();
  void stop();
  uint16_t port() const { return server_->port(); }
  const std::string& host() const { return host_; }
  bool tls() const { return tls_; }

 private:
  server::HttpResponse handle(const server::HttpRequest& request);
  std::optional<server::HttpResponse> route(const server::HttpRequest& request) const;

  std::string host_;
  bool tls_ = false;
  std::string version_;
  StatusSource status_;
  std::vector<Route> routes_;
  RequestStats requests_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace sluice::observe

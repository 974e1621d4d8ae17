// HttpServer: the asynchronous HTTP/1.1 server shared by ingest, admin and dashboard.
//
// Boost.Beast on a pool of I/O threads. Every connection is keep-alive unless the
// client says otherwise, with deadlines so that no client can hold a connection
// hostage: `header_timeout_us` to send a request's headers, `body_timeout_us` to
// send its body, `idle_timeout_us` between requests. At most `max_connections`
// are open; one more gets 503 and is closed. Bodies over `max_body_bytes` get 413
// without being read, and the connection is closed (the rest is never drained).
//
// Requests are handled in two steps: `check` sees the headers and may answer at
// once (401, 403, 404, 405, 413, 415) without the body being read; `handle` gets the
// whole request. Both run on an I/O thread and may block (an ingest handler waits
// for the log's fsync), which is why there are several I/O threads.
//
// TLS: with a certificate and key file every connection is TLS (1.2 or newer).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sluice::server {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  // The value of a header (name in lower case); empty when absent.
  std::string_view header(std::string_view lower_name) const;
  std::string_view path() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // close the connection after this response

  static HttpResponse json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see HttpServer::port())
  int threads = 4;
  size_t max_connections = 10000;
  size_t max_body_bytes = 10u << 20;
  int64_t header_timeout_us = 10'000'000;
  int64_t body_timeout_us = 30'000'000;
  int64_t idle_timeout_us = 60'000'000;
  std::string tls_cert_file;  // both set: TLS
  std::string tls_key_file;
  // Called for every response, on its I/O thread, with its status and the time
  // from the request's headers being read to the response being queued (metrics).
  std::function<void(int status, int64_t duration_us)> on_response;
};

class HttpServer {
 public:
  using Check = std::function<std::optional<HttpResponse>(const HttpRequest& headers_only)>;
  using Handle = std::function<HttpResponse(HttpRequest& request)>;

  HttpServer(HttpServerOptions options, Check check, Handle handle);
  ~HttpServer();

  // Binds and starts the I/O threads; errors name the address.
  Status start();
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void stop();
  uint16_t port() const;

  struct Impl;  // internal (http_server.cpp); public only so its connections can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::server

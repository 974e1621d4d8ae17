#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>

#include "core/ascii.h"

namespace sluice::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

struct HttpServer::Impl {
  HttpServerOptions options;
  Check check;
  Handle handle;
  // One single-threaded io_context per I/O thread; a connection lives on one of them.
  // Sharing one context among threads costs a lock and a wake-up per handler.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::atomic<size_t> next_context{0};
  std::vector<std::thread> threads;
  std::atomic<size_t> open{0};
  std::atomic<bool> stopped{false};

  Impl(HttpServerOptions o, Check c, Handle h)
      : options(std::move(o)), check(std::move(c)), handle(std::move(h)) {
    for (int i = 0; i < std::max(1, options.threads); ++i) contexts.push_back(std::make_unique<net::io_context>(1));
    acceptor.emplace(*contexts[0]);
  }

  void accept();
  void on_accept(tcp::socket socket);
};

namespace {

std::chrono::microseconds us(int64_t v) { return std::chrono::microseconds(v); }

const char* reason_for(int status) {
  return http::obsolete_reason(static_cast<http::status>(status)).data();
}

// A plain TCP or a TLS connection: the few operations that differ.
beast::tcp_stream& lowest(beast::tcp_stream& s) { return s; }
beast::tcp_stream& lowest(beast::ssl_stream<beast::tcp_stream>& s) { return beast::get_lowest_layer(s); }

constexpr size_t kHeaderReadBytes = 4096;
constexpr size_t kBodyReadBytes = 64 * 1024;  // Beast's largest single read

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(HttpServer::Impl& server, Args&&... args) : server_(server), stream_(std::forward<Args>(args)...) {
    server_.open.fetch_add(1);
  }
  ~Session() { server_.open.fetch_sub(1); }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read_header();
    } else {
      lowest(stream_).expires_after(us(server_.options.header_timeout_us));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->fail(ec);
                                self->read_header();
                              });
    }
  }

 private:
  void read_header() {
    // An idle keep-alive connection holds no body-sized buffer (there may be thousands).
    if (buffer_.size() == 0 && buffer_.capacity() > kHeaderReadBytes) buffer_.shrink_to_fit();
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(server_.options.max_body_bytes);
    lowest(stream_).expires_after(us(first_ ? server_.options.header_timeout_us : server_.options.idle_timeout_us));
    first_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    request_started_ = std::chrono::steady_clock::now();
    if (ec == http::error::end_of_stream || ec == net::error::eof) return close();
    if (ec == http::error::body_limit) return respond(too_large());  // Content-Length alone says it is too big
    if (ec) {
      if (ec == beast::error::timeout) return fail(ec);
      // Unparseable request line or headers: say so, then close.
      return respond(HttpResponse{400, "application/json",
                                  R"({"error":"malformed HTTP request: )" + ec.message() + "\"}", {}, true});
    }
    const auto& h = parser_->get();
    request_ = HttpRequest{};
    request_.method = std::string(h.method_string());
    request_.target = std::string(h.target());
    for (const auto& field : h) {
      const auto name = field.name_string();
      request_.headers.emplace_back(lower_ascii({name.data(), name.size()}), std::string(field.value()));
    }
    keep_alive_ = h.keep_alive();
    const bool has_body = parser_->content_length().value_or(0) > 0 || parser_->chunked();
    if (parser_->content_length() && *parser_->content_length() > server_.options.max_body_bytes) {
      return respond(too_large());
    }
    if (auto early = server_.check(request_)) {
      // The body was not read, so the connection cannot carry another request.
      if (has_body) early->close = true;
      return respond(std::move(*early));
    }
    if (!has_body) return on_body({});
    if (beast::iequals(h[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, h.version());
      http::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->fail(ec);
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    // Beast reads at most the buffer's free capacity (512 bytes at least), and the body
    // parser empties the buffer after each read: without room made here, a body is
    // received 512 bytes per recv (and per timer re-arm), ~600 system calls per 300 KB.
    if (buffer_.capacity() - buffer_.size() < kBodyReadBytes)
      buffer_.reserve(buffer_.size() + kBodyReadBytes);
    lowest(stream_).expires_after(us(server_.options.body_timeout_us));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) return respond(too_large());
    if (ec) return fail(ec);
    request_.body = std::move(parser_->get().body());
    HttpResponse response;
    try {
      response = server_.handle(request_);
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler failed on {} {}: {}", request_.method, request_.target, e.what());
      response = HttpResponse::json(500, R"({"error":"internal error"})");
    }
    respond(std::move(response));
  }

  HttpResponse too_large() const {
    return HttpResponse{413, "application/json",
                        R"({"error":"body larger than the limit of )" + std::to_string(server_.options.max_body_bytes) +
                            R"( bytes"})",
                        {}, true};
  }

  void respond(HttpResponse r) {
    if (server_.options.on_response) {
      const auto took = std::chrono::steady_clock::now() - request_started_;
      server_.options.on_response(r.status, std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    }
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->reason(reason_for(r.status));
    res->set(http::field::server, "sluice");
    res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->set(name, value);
    res->body() = std::move(r.body);
    const bool keep = keep_alive_ && !r.close && !server_.stopped.load();
    res->keep_alive(keep);
    res->prepare_payload();
    lowest(stream_).expires_after(us(server_.options.body_timeout_us));
    http::async_write(stream_, *res, [self = this->shared_from_this(), res, keep](beast::error_code ec, size_t) {
      if (ec) return self->fail(ec);
      if (!keep) return self->close();
      self->read_header();
    });
  }

  // Any failure on a connection (timeout, reset, bad TLS) ends it; the client sees the close.
  void fail(beast::error_code) {
    beast::error_code ignored;
    lowest(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest(stream_).close();
  }

  void close() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else {
      lowest(stream_).expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { lowest(self->stream_).close(); });
    }
  }

  HttpServer::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  bool keep_alive_ = true;
  bool first_ = true;
  std::chrono::steady_clock::time_point request_started_ = std::chrono::steady_clock::now();
};

}  // namespace

void HttpServer::Impl::accept() {
  net::io_context& context = *contexts[next_context.fetch_add(1) % contexts.size()];
  acceptor->async_accept(context, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopped.load() && ec != net::error::operation_aborted) {
        // Out of file descriptors and the like: back off instead of spinning.
        spdlog::warn("HTTP accept on port {}: {}", acceptor->local_endpoint().port(), ec.message());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (!stopped.load()) accept();
      return;
    }
    on_accept(std::move(socket));
    accept();
  });
}

void HttpServer::Impl::on_accept(tcp::socket socket) {
  if (open.load() >= options.max_connections) {
    auto sock = std::make_shared<tcp::socket>(std::move(socket));
    if (tls) {
      beast::error_code ignored;
      sock->close(ignored);
      return;
    }
    static const std::string kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nContent-Length: 40\r\n\r\n{\"error\":\"too many open connections\"}\r\n\r\n";
    net::async_write(*sock, net::buffer(kBusy.data(), kBusy.size() - 4), [sock](beast::error_code, size_t) {
      beast::error_code ignored;
      sock->shutdown(tcp::socket::shutdown_both, ignored);
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (tls) {
    std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *tls)->start();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket))->start();
  }
}

HttpServer::HttpServer(HttpServerOptions options, Check check, Handle handle)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(check), std::move(handle))) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  Impl& s = *impl_;
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (!s.options.tls_cert_file.empty() || !s.options.tls_key_file.empty()) {
    try {
      s.tls.emplace(ssl::context::tls_server);
      s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      s.tls->use_certificate_chain_file(s.options.tls_cert_file);
      s.tls->use_private_key_file(s.options.tls_key_file, ssl::context::pem);
    } catch (const std::exception& e) {
      return Status::invalid("TLS for " + where + ": cannot load certificate " + s.options.tls_cert_file +
                             " or key " + s.options.tls_key_file + ": " + e.what());
    }
  }
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.host, ec);
  if (ec) return Status::invalid("invalid listen address \"" + s.options.host + "\": " + ec.message());
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::unavailable("cannot listen on " + where + ": " + ec.message());
  s.accept();
  for (auto& context : s.contexts) {
    s.threads.emplace_back([c = context.get()] {
      auto work = net::make_work_guard(*c);  // a context with no connection yet stays alive
      c->run();
    });
  }
  return Status::ok();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  net::post(*s.contexts[0], [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
  });
  for (auto& context : s.contexts) context->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto endpoint = impl_->acceptor->local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

}  // namespace sluice::server

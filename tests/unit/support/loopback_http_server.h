// A small HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients: keep-alive,
// Content-Length bodies, a fixed answer status, and a record of every request.
//
// Bounded by construction: sockets have 100 ms timeouts and every loop checks a
// stop flag, so destroying the server ends its threads promptly and no test can
// hang on it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sluice::testing {

struct RecordedRequest {
  std::string head;  // request line and headers
  std::string body;
};

class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(int status = 200) : status_(status) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
      throw std::runtime_error("bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    set_timeout(listen_fd_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~LoopbackHttpServer() {
    stop_ = true;
    acceptor_.join();
    for (std::thread& t : connections_) t.join();
    ::close(listen_fd_);
  }

  std::string url(const std::string& path = "/ingest") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int port() const { return port_; }

  std::vector<RecordedRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  static void set_timeout(int fd) {
    timeval tv{0, 100000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  void accept_loop() {
    while (!stop_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;  // timeout: look at stop_ again
      set_timeout(fd);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buffer;
    char chunk[65536];
    while (!stop_) {
      size_t head_end = buffer.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::string head = buffer.substr(0, head_end);
        size_t length = 0;
        size_t at = lower(head).find("content-length:");
        if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
        if (buffer.size() >= head_end + 4 + length) {
          std::string body = buffer.substr(head_end + 4, length);
          buffer.erase(0, head_end + 4 + length);
          {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back({head, body});
          }
          std::string answer = "HTTP/1.1 " + std::to_string(status_) + " Test\r\nContent-Length: 2\r\n\r\nok";
          if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) break;
          continue;
        }
      }
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n == 0) break;
      if (n < 0) continue;  // timeout
      buffer.append(chunk, size_t(n));
    }
    ::close(fd);
  }

  static std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  int status_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;
  std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace sluice::testing

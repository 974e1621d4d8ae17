// JsonLogFormatter: sluice's own log lines as JSON objects, one per line, for log
// shippers (Vector, Fluent Bit, Loki) that would otherwise parse text:
//
//   {"time":"2026-12-01T20:00:00.123456Z","level":"warn","logger":"sluice","message":"sink
//   \"lake\": …"}
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace sluice::observe {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }
};

}  // namespace sluice::observe

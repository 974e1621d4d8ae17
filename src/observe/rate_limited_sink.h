// RateLimitedSink: keeps a repeated log message from flooding the log.
//
// Warnings and errors are grouped by level and text with their digits ignored, so
// "write failed (3 so far), retrying in 400 ms" and "(4 so far), … 800 ms" are one
// kind; info and debug messages (assignments, handovers, restores) always pass.
// The first of a kind passes; after that at most one per `interval`, carrying how
// many were held back: "… (27 similar messages suppressed in the last 10s)". At
// most kMaxKinds kinds are remembered (the least recently seen is forgotten).
// Wraps the sink that writes, which keeps its own formatter.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::observe {

class RateLimitedSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr size_t kMaxKinds = 1024;

  RateLimitedSink(std::shared_ptr<spdlog::sinks::sink> target, int64_t interval_us)
      : target_(std::move(target)), interval_us_(interval_us) {}

  // Messages held back since the start (for tests and the operator's curiosity).
  uint64_t suppressed_total() const { return suppressed_total_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override { target_->flush(); }
  void set_pattern_(const std::string& pattern) override { target_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
    target_->set_formatter(std::move(formatter));
  }

 private:
  struct Kind {
    int64_t window_start_us = 0;  // when the last message of this kind passed
    uint64_t suppressed = 0;      // held back since then
    std::list<std::string>::iterator recency;
  };
  std::shared_ptr<spdlog::sinks::sink> target_;
  int64_t interval_us_;
  std::unordered_map<std::string, Kind> kinds_;
  std::list<std::string> recency_;  // most recently seen first
  uint64_t suppressed_total_ = 0;
};

}  // namespace sluice::observe

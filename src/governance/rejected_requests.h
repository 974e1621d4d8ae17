// RejectedRequests: the requests_rejected entries of the audit log (audit_log.h).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "governance/audit_log.h"

namespace sluice::governance {

// Counts the requests one HTTP source refused for their API key and writes them
// to the audit log at most once per interval (and at the end), so a flood of bad
// keys is one entry per 10 s, never one per request. Thread-safe.
class RejectedRequests {
 public:
  RejectedRequests(AuditLog* audit, std::string source, int64_t interval_us = 10'000'000)
      : audit_(audit), source_(std::move(source)), interval_us_(interval_us) {}
  ~RejectedRequests() { flush(); }
  void count(int http_status);
  void flush();

 private:
  void write_locked(int64_t now);
  AuditLog* audit_;
  std::string source_;
  int64_t interval_us_;
  std::mutex mutex_;
  uint64_t unauthorized_ = 0, forbidden_ = 0;
  int64_t since_us_ = 0, last_write_us_ = 0;
};

}  // namespace sluice::governance

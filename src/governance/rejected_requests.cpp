#include "governance/rejected_requests.h"

#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::governance {

namespace {
std::string json_text(std::string_view text) {
  std::string out;
  format::append_json_string(text, out);
  return out;
}
}  // namespace

void RejectedRequests::count(int http_status) {
  if (audit_ == nullptr) return;
  std::lock_guard lock(mutex_);
  const int64_t now = now_us();
  if (unauthorized_ + forbidden_ == 0) since_us_ = now;
  (http_status == 401 ? unauthorized_ : forbidden_) += 1;
  if (now - last_write_us_ >= interval_us_) write_locked(now);
}

void RejectedRequests::flush() {
  if (audit_ == nullptr) return;
  std::lock_guard lock(mutex_);
  if (unauthorized_ + forbidden_ > 0) write_locked(now_us());
}

void RejectedRequests::write_locked(int64_t now) {
  char since[kRfc3339MaxBytes];
  const std::string fields = "\"source\":" + json_text(source_) +
                             ",\"unauthorized\":" + std::to_string(unauthorized_) +
                             ",\"forbidden\":" + std::to_string(forbidden_) + ",\"since\":\"" +
                             std::string(since, format_rfc3339(since_us_, since, true)) + "\"";
  last_write_us_ = now;
  // Counted only once written: a failed write keeps them for the next one.
  if (audit_->record("requests_rejected", fields).is_ok()) unauthorized_ = forbidden_ = 0;
}

}  // namespace sluice::governance

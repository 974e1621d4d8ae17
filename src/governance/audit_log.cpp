#include "governance/audit_log.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "core/time.h"

namespace sluice::governance {

namespace {

// JSON text of a string (names of users and hosts are plain, but never trusted).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string actor_json() {
  const uid_t uid = ::getuid();
  std::string user;
  if (const passwd* pw = ::getpwuid(uid)) user = pw->pw_name;
  if (user.empty()) {
    const char* env = std::getenv("USER");
    user = env ? env : "";
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return "{\"user\":" + quoted(user) + ",\"uid\":" + std::to_string(uid) +
         ",\"host\":" + quoted(host) + ",\"pid\":" + std::to_string(::getpid()) + "}";
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& data_dir) {
  auto ledger = ChainedLedger::open(dir_for(data_dir));
  if (!ledger) return ledger.status().with_context("audit log");
  std::unique_ptr<AuditLog> log(new AuditLog());
  log->ledger_ = std::move(*ledger);
  log->actor_ = actor_json();
  return log;
}

Status AuditLog::record(std::string_view event, std::string_view fields_json) {
  char when[kRfc3339MaxBytes];
  std::string entry = "{\"time\":\"" + std::string(when, format_rfc3339(now_us(), when, true)) +
                      "\",\"event\":" + quoted(event) + ",\"actor\":" + actor_;
  if (!fields_json.empty()) {
    entry += ',';
    entry += fields_json;
  }
  entry += '}';
  auto appended = ledger_->append(entry);
  if (!appended) return appended.status().with_context("audit log");
  return Status::ok();
}

std::string AuditLog::last_of(const std::string& data_dir, std::string_view event) {
  auto entries = ChainedLedger::entries(dir_for(data_dir));
  if (!entries) return {};
  const std::string needle = "\"event\":" + quoted(event) + ",";
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    if (it->find(needle) != std::string::npos) return *it;
  }
  return {};
}

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
  const std::string fields = "\"source\":" + quoted(source_) +
                             ",\"unauthorized\":" + std::to_string(unauthorized_) +
                             ",\"forbidden\":" + std::to_string(forbidden_) + ",\"since\":\"" +
                             std::string(since, format_rfc3339(since_us_, since, true)) + "\"";
  last_write_us_ = now;
  // Counted only once written: a failed write keeps them for the next one.
  if (audit_->record("requests_rejected", fields).is_ok()) unauthorized_ = forbidden_ = 0;
}

}  // namespace sluice::governance

#include "governance/audit_log.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::governance {

namespace {

std::string quoted(std::string_view text) {
  std::string out;
  format::append_json_string(text, out);
  return out;
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

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& data_dir,
                                                 const log::KeyRing& keys,
                                                 const std::string& seal_key_id) {
  auto ledger = ChainedLedger::open(dir_for(data_dir));
  if (!ledger) return ledger.status().with_context("audit log");
  if (!seal_key_id.empty()) {
    const log::Key256* key = keys.find(seal_key_id);
    if (key == nullptr) {
      return Status::invalid("audit log: state_encryption_key \"" + seal_key_id +
                             "\" is not among the keys loaded");
    }
    (*ledger)->seal_with(*key, seal_key_id);
  }
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

std::string AuditLog::last_of(const std::string& data_dir, std::string_view event,
                              const log::KeyRing& keys) {
  auto entries = ChainedLedger::entries(dir_for(data_dir), keys);
  if (!entries) return {};
  const std::string needle = "\"event\":" + quoted(event) + ",";
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    if (it->find(needle) != std::string::npos) return *it;
  }
  return {};
}

}  // namespace sluice::governance

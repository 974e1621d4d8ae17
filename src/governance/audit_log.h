// AuditLog: who did what to sensitive data and to the pipeline, append-only and
// hash-chained like the lineage ledger (a ChainedLedger in data_dir/audit):
//
//   pipeline_started   every `sluice run`: the configuration's hash, each
//                      component's, and which changed since the previous start
//   key_rotated        a govern transform's active key differs from the last start's
//   detokenize         a `sluice detokenize`: how many values, which key ids, how
//                      many failed — written before any value is revealed
//   requests_rejected  an HTTP source refused requests for their API key (401/403),
//                      counted per source and at most one entry per 10 s
//                      (rejected_requests.h)
//
// Every entry names the actor: the user and uid, the host and the process id.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "governance/chained_ledger.h"

namespace sluice::governance {

class AuditLog {
 public:
  static std::string dir_for(const std::string& data_dir) { return data_dir + "/audit"; }
  // With `seal_key_id`, entries are sealed with that key of `keys` (chained_ledger.h).
  static Result<std::unique_ptr<AuditLog>> open(const std::string& data_dir,
                                                const log::KeyRing& keys = {},
                                                const std::string& seal_key_id = "");

  // Appends {"time","event","actor":{…},<fields>}; `fields_json` is the members of
  // an object without its braces ("" for none).
  Status record(std::string_view event, std::string_view fields_json);

  // The newest entry of `event`, as JSON text; empty when there is none.
  static std::string last_of(const std::string& data_dir, std::string_view event,
                             const log::KeyRing& keys = {});

 private:
  AuditLog() = default;
  std::unique_ptr<ChainedLedger> ledger_;
  std::string actor_;  // the actor's JSON object, the same for the whole process
};

}  // namespace sluice::governance

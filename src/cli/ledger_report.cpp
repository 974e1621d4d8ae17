#include "cli/ledger_report.h"

#include <cstdio>

#include "cli/exit_codes.h"

namespace sluice::cli {

int report_verdict(const governance::ChainedLedger::Verdict& v) {
  if (!v.ok) {
    std::printf("BROKEN at entry %llu: %s (%llu entries before it verify)\n",
                static_cast<unsigned long long>(v.broken_seq), v.problem.c_str(),
                static_cast<unsigned long long>(v.entries));
    return kExitRuntimeFailure;
  }
  std::printf("ok: %llu entries, head %s\n", static_cast<unsigned long long>(v.entries),
              v.head_hash.c_str());
  return kExitOk;
}

}  // namespace sluice::cli

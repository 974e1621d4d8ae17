// How `sluice lineage verify` and `sluice audit verify` report a chained ledger's
// verdict: "ok: N entries, head H" (exit 0) or "BROKEN at entry N: why" (exit 3).
#pragma once

#include "governance/chained_ledger.h"

namespace sluice::cli {

int report_verdict(const governance::ChainedLedger::Verdict& verdict);

}  // namespace sluice::cli

// sluice audit verify|show: the audit log of a pipeline's data directory
// (governance/audit_log.h), hash-chained like the lineage ledger.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/data_dir_option.h"
#include "cli/exit_codes.h"
#include "cli/ledger_report.h"
#include "governance/audit_log.h"

namespace sluice::cli {

namespace {

struct AuditFlags {
  std::string config;
  std::string data_dir = "./data";
  std::string event;
};

Result<std::string> audit_dir(const AuditFlags& f) {
  auto data_dir = pipeline_data_dir(f.config, f.data_dir);
  if (!data_dir) return data_dir.status();
  return governance::AuditLog::dir_for(*data_dir);
}

}  // namespace

void add_audit_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "The audit log: pipeline starts and configuration changes, key rotations, detokenize calls,\n"
      "rejected requests; hash-chained (data_dir/audit).");
  cmd->require_subcommand(1);
  static AuditFlags flags;
  for (CLI::App* sub :
       {cmd->add_subcommand("verify", "Check the chain; exit 3 naming the first broken entry."),
        cmd->add_subcommand("show", "Print the entries, one JSON object per line.")}) {
    sub->add_option("-c,--config", flags.config,
                    "Pipeline file whose data_dir holds the audit log");
    sub->add_option("--data-dir", flags.data_dir, "Data directory (without --config)")
        ->capture_default_str();
    const bool verify = sub->get_name() == "verify";
    if (!verify)
      sub->add_option("--event", flags.event, "Only entries of this event (e.g. detokenize)");
    sub->callback([exit_code, verify] {
      auto dir = audit_dir(flags);
      if (!dir) {
        std::fprintf(stderr, "sluice audit: %s\n", dir.status().message().c_str());
        *exit_code = kExitInvalidPipeline;
        return;
      }
      if (verify) {
        *exit_code = report_verdict(governance::ChainedLedger::verify(*dir));
        return;
      }
      auto state = pipeline_state(flags.config, flags.data_dir);
      auto entries = state ? governance::ChainedLedger::entries(*dir, state->keys)
                           : Result<std::vector<std::string>>(state.status());
      if (!entries) {
        std::fprintf(stderr, "sluice audit show: %s\n", entries.status().message().c_str());
        *exit_code = kExitRuntimeFailure;
        return;
      }
      const std::string needle = "\"event\":\"" + flags.event + "\"";
      for (const std::string& e : *entries) {
        if (flags.event.empty() || e.find(needle) != std::string::npos)
          std::printf("%s\n", e.c_str());
      }
      *exit_code = kExitOk;
    });
  }
}

}  // namespace sluice::cli

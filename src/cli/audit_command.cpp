// sluice audit verify|show: the audit log of a pipeline's data directory
// (governance/audit_log.h), hash-chained like the lineage ledger.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/config/config_loader.h"
#include "governance/audit_log.h"
#include "runtime/registry.h"

namespace sluice::cli {

namespace {

struct AuditFlags {
  std::string config;
  std::string data_dir = "./data";
  std::string event;
};

Result<std::string> audit_dir(const AuditFlags& f) {
  if (f.config.empty()) return governance::AuditLog::dir_for(f.data_dir);
  Diagnostics diagnostics;
  auto config = load_pipeline_file(f.config, runtime::Registry::builtin(), diagnostics);
  if (!config) return Status::invalid(diagnostics.format());
  return governance::AuditLog::dir_for(config->data_dir);
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
        const auto v = governance::ChainedLedger::verify(*dir);
        if (!v.ok) {
          std::printf("BROKEN at entry %llu: %s (%llu entries before it verify)\n",
                      static_cast<unsigned long long>(v.broken_seq), v.problem.c_str(),
                      static_cast<unsigned long long>(v.entries));
          *exit_code = kExitRuntimeFailure;
          return;
        }
        std::printf("ok: %llu entries, head %s\n", static_cast<unsigned long long>(v.entries),
                    v.head_hash.c_str());
        *exit_code = kExitOk;
        return;
      }
      auto entries = governance::ChainedLedger::entries(*dir);
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

// sluice: move every event from where it is produced to where it is used.
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <csignal>

#include "cli/commands.h"
#include "cli/exit_codes.h"

int main(int argc, char** argv) {
  // A closed pipe or socket must be an error return from write(), not a silent
  // death: `sluice gen | head` ends cleanly, and a dropped connection is handled.
  std::signal(SIGPIPE, SIG_IGN);
  // An ingest server holds one descriptor per client connection; many systems start
  // processes with a soft limit of 1024. Raise it to the hard limit the admin allows.
  if (rlimit files; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  CLI::App app{"sluice: a streaming data pipeline in one binary.\n"
               "Run `sluice <command> --help` for the options of a command."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(SLUICE_VERSION));
  std::string log_level;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off (default: $SLUICE_LOG_LEVEL or info)");

  int exit_code = sluice::cli::kExitOk;
  sluice::cli::add_run_command(app, &exit_code);
  sluice::cli::add_validate_command(app, &exit_code);
  sluice::cli::add_gen_command(app, &exit_code);
  sluice::cli::add_components_command(app, &exit_code);
  sluice::cli::add_log_command(app, &exit_code);
  sluice::cli::add_replay_command(app, &exit_code);
  sluice::cli::add_query_command(app, &exit_code);
  sluice::cli::add_top_command(app, &exit_code);
  sluice::cli::add_detokenize_command(app, &exit_code);
  sluice::cli::add_lineage_command(app, &exit_code);
  sluice::cli::add_audit_command(app, &exit_code);
  sluice::cli::add_version_command(app, &exit_code);
  app.parse_complete_callback([&] { sluice::cli::setup_logging(log_level); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help or the error
    return code == 0 ? sluice::cli::kExitOk : sluice::cli::kExitUsage;
  }
  return exit_code;
}

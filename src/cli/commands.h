// The subcommands of `sluice`. Each add_*_command registers its flags on the CLI11
// app and, when chosen, runs and stores its exit code in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

#include "core/config/options.h"

namespace sluice::cli {

void add_run_command(CLI::App& app, int* exit_code);
void add_validate_command(CLI::App& app, int* exit_code);
void add_gen_command(CLI::App& app, int* exit_code);
void add_version_command(CLI::App& app, int* exit_code);
void add_components_command(CLI::App& app, int* exit_code);
void add_log_command(CLI::App& app, int* exit_code);
void add_replay_command(CLI::App& app, int* exit_code);
void add_query_command(CLI::App& app, int* exit_code);
void add_top_command(CLI::App& app, int* exit_code);
void add_detokenize_command(CLI::App& app, int* exit_code);
void add_lineage_command(CLI::App& app, int* exit_code);
void add_audit_command(CLI::App& app, int* exit_code);

// Reads the log level from --log-level or SLUICE_LOG_LEVEL and sets up logging to
// stderr, with repeated messages rate-limited (observe/rate_limited_sink.h).
void setup_logging(const std::string& level);
// A pipeline file's `observe:` log settings: its format, and its level unless
// --log-level or SLUICE_LOG_LEVEL gave one.
void apply_logging_settings(const OptionValues& observe);

}  // namespace sluice::cli

#include <cstdio>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace sluice::cli {

void add_version_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version of sluice and exit.");
  cmd->callback([exit_code] {
    std::printf("sluice %s\n", SLUICE_VERSION);
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli

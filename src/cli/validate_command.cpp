#include <cstdio>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/config/config_loader.h"
#include "runtime/registry.h"

namespace sluice::cli {

void add_validate_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check a pipeline file without moving data: YAML, component types and options, inputs, cycles,\n"
      "expressions. Prints every problem as file:line:column: message. Exit code 0 when clean, 1 when not.");
  static std::string file;
  cmd->add_option("FILE", file, "Pipeline file (YAML)")->required();
  cmd->callback([exit_code] {
    Diagnostics diagnostics;
    auto config = load_pipeline_file(file, runtime::Registry::builtin(), diagnostics);
    if (!config) {
      std::fputs(diagnostics.format().c_str(), stderr);
      std::fprintf(stderr, "%s: %zu problem%s found\n", file.c_str(), diagnostics.size(),
                   diagnostics.size() == 1 ? "" : "s");
      *exit_code = kExitInvalidPipeline;
      return;
    }
    size_t counts[3] = {0, 0, 0};
    for (const ComponentConfig& c : config->components) ++counts[static_cast<int>(c.kind)];
    std::printf("%s: ok (%zu source%s, %zu transform%s, %zu sink%s)\n", file.c_str(), counts[0],
                counts[0] == 1 ? "" : "s", counts[1], counts[1] == 1 ? "" : "s", counts[2], counts[2] == 1 ? "" : "s");
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli

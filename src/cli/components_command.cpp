#include <cstdio>

#include "cli/commands.h"
#include "cli/component_reference.h"
#include "cli/exit_codes.h"
#include "runtime/registry.h"

namespace sluice::cli {

void add_components_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("components", "List every source, transform and sink type with its options.");
  static bool markdown = false;
  cmd->add_flag("--markdown", markdown, "Print the reference as Markdown (as in docs/configuration.md)");
  cmd->callback([exit_code] {
    const auto& registry = runtime::Registry::builtin();
    std::string text = markdown ? component_reference_markdown(registry) : component_reference_text(registry);
    std::fputs(text.c_str(), stdout);
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli

#include "cli/data_dir_option.h"

#include "core/config/config_loader.h"
#include "runtime/registry.h"

namespace sluice::cli {

Result<std::string> pipeline_data_dir(const std::string& config, const std::string& data_dir) {
  if (config.empty()) return data_dir;
  Diagnostics diagnostics;
  auto loaded = load_pipeline_file(config, runtime::Registry::builtin(), diagnostics);
  if (!loaded) return Status::invalid(diagnostics.format());
  return loaded->data_dir;
}

}  // namespace sluice::cli

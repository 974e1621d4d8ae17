#include "cli/data_dir_option.h"

#include "core/config/config_loader.h"
#include "runtime/log_setup.h"
#include "runtime/registry.h"

namespace sluice::cli {

Result<std::string> pipeline_data_dir(const std::string& config, const std::string& data_dir) {
  auto state = pipeline_state(config, data_dir);
  if (!state) return state.status();
  return state->data_dir;
}

Result<PipelineState> pipeline_state(const std::string& config, const std::string& data_dir) {
  PipelineState state;
  if (config.empty()) {
    state.data_dir = data_dir;
    SLUICE_RETURN_IF_ERROR(state.keys.load("", "SLUICE_LOG_KEYS"));
    return state;
  }
  Diagnostics diagnostics;
  auto loaded = load_pipeline_file(config, runtime::Registry::builtin(), diagnostics);
  if (!loaded) return Status::invalid(diagnostics.format());
  state.data_dir = loaded->data_dir;
  auto keys = runtime::read_log_keys(*loaded);
  if (!keys) return keys.status();
  state.keys = std::move(keys).value();
  state.seal_key_id = runtime::state_key_id(*loaded);
  return state;
}

}  // namespace sluice::cli

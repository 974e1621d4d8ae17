#include "core/config/pipeline_config.h"

namespace sluice {

const ComponentConfig* PipelineConfig::find(std::string_view name) const {
  for (const ComponentConfig& c : components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace sluice

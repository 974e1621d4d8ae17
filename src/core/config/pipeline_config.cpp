#include "core/config/pipeline_config.h"

namespace sluice {

const ComponentConfig* PipelineConfig::find(std::string_view name) const {
  for (const ComponentConfig& c : components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const SchemaConfig* PipelineConfig::find_schema(std::string_view name) const {
  for (const SchemaConfig& s : schemas) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace sluice

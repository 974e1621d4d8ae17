// BuildContext: what a component factory gets to build one component.
#pragma once

#include <string>

#include "core/config/pipeline_config.h"
#include "observe/component_stats.h"

namespace sluice {

struct BuildContext {
  const ComponentConfig& config;
  const PipelineConfig& pipeline;
  observe::ComponentStats& stats;

  const OptionValues& options() const { return config.options; }
  const std::string& name() const { return config.name; }
};

}  // namespace sluice

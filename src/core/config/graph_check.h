// Graph checks of a loaded pipeline: every input names an existing output, the
// transforms form no cycle, and every source and transform is read by someone.
#pragma once

#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/diagnostics.h"

namespace sluice {

// The outputs a component offers: "" (its default output), its named outputs, and
// "dead_letter" for transforms.
std::vector<std::string> component_outputs(const ComponentConfig& component);

void check_graph(const PipelineConfig& config, Diagnostics& diagnostics);

}  // namespace sluice

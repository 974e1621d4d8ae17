// The options of the log: the top-level `log:` section of a pipeline file, and the
// topic options every source has (a source appends to a topic of its own, named
// after it unless `topic:` says otherwise).
//
// Declared here as data, like a component's options, so the loader validates them,
// `sluice components` lists them and docs/configuration.md documents them.
#pragma once

#include <vector>

#include "core/config/options.h"

namespace sluice {

const std::vector<OptionSpec>& log_section_options();
const std::vector<OptionSpec>& topic_options();

}  // namespace sluice

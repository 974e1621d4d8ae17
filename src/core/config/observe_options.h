// The options of the top-level `observe:` section: the admin address (metrics,
// health, the components API) and the process's own logs. Declared as data like
// every other option, so they are validated, listed and documented the same way.
#pragma once

#include <vector>

#include "core/config/options.h"

namespace sluice {

const std::vector<OptionSpec>& observe_section_options();

}  // namespace sluice

// The reference of every component type and its options, generated from the
// registry, so `sluice components` and docs/configuration.md never disagree with
// the code (a test compares the doc with this output).
#pragma once

#include <string>

#include "runtime/registry.h"

namespace sluice::cli {

std::string component_reference_text(const runtime::Registry& registry);
std::string component_reference_markdown(const runtime::Registry& registry);

}  // namespace sluice::cli

// Environment interpolation in pipeline files: `${VAR}`, `${VAR:-default}`, and
// `$$` for a literal `$`.
//
// Applied to each YAML scalar after parsing (not to the raw text), so a variable's
// value can never change the structure of the file, and errors keep their place.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment.
EnvLookup process_env();

// Expands every reference in `text`. An unset variable without a default, or a
// malformed reference, is an error naming it.
Result<std::string> interpolate(std::string_view text, const EnvLookup& env);

}  // namespace sluice

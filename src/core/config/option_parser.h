// Typed parsing of one option's YAML value against its OptionSpec.
//
// Internal to the loader: knows how each OptionType is written in YAML, how to
// report a wrong one, and where inside a scalar an expression error points.
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/config/interpolate.h"
#include "core/config/options.h"
#include "core/diagnostics.h"

namespace sluice::config_detail {

struct ParseContext {
  std::string file;
  std::string_view text;  // the whole file, to tell quoted from plain scalars
  const EnvLookup* env;
  Diagnostics* diagnostics;
  std::string subject;  // e.g. `transform "errors"`, prefixed to messages
};

SourceLocation location_of(const ParseContext& ctx, const YAML::Node& node);

// The scalar's text after ${VAR} interpolation; reports and returns nullopt on error.
std::optional<std::string> scalar_text(const ParseContext& ctx, const YAML::Node& node, const std::string& what);

// Parses `node` as `spec` describes; reports problems and returns monostate on error.
OptionValue parse_option(const ParseContext& ctx, const OptionSpec& spec, const YAML::Node& node);

}  // namespace sluice::config_detail

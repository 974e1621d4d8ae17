// Loading a pipeline file: YAML → interpolation → typed options → graph checks.
//
// Reports every problem it can find in one pass, each with file:line:column and,
// where it helps, a hint: YAML syntax, unknown keys and types ("did you mean"),
// missing or unknown inputs, cycles, components nobody reads, wrong value types,
// bad duration/size literals, expressions that do not parse or type-check.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config/interpolate.h"
#include "core/config/pipeline_config.h"
#include "core/diagnostics.h"

namespace sluice {

struct LoadOptions {
  EnvLookup env = process_env();
  size_t max_file_bytes = 4 << 20;  // a pipeline file larger than this is refused
};

// Returns the pipeline when it has no problems; otherwise nullopt, with every
// problem appended to `diagnostics`.
std::optional<PipelineConfig> load_pipeline_file(const std::string& path, const ComponentCatalog& catalog,
                                                 Diagnostics& diagnostics, const LoadOptions& options = {});
std::optional<PipelineConfig> load_pipeline_text(std::string_view text, const std::string& file_name,
                                                 const ComponentCatalog& catalog, Diagnostics& diagnostics,
                                                 const LoadOptions& options = {});

}  // namespace sluice

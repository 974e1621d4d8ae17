// PipelineConfig: a pipeline file after loading and validation.
//
// A pipeline file (YAML) names a data_dir and three sections — sources,
// transforms, sinks — each a map from component name to its settings: a `type`,
// `inputs` (for transforms and sinks) and the type's own options. Loading checks
// everything that can be checked without data and reports every problem at once
// (see config_loader.h); a PipelineConfig exists only for a pipeline without
// problems, so the runtime can trust it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config/options.h"
#include "core/diagnostics.h"

namespace sluice {

// An input reference: "name" (the default output) or "name.port".
struct InputRef {
  std::string component;
  std::string port;  // empty for the default output
  SourceLocation where;

  std::string to_string() const { return port.empty() ? component : component + "." + port; }
};

struct ComponentConfig {
  std::string name;
  ComponentKind kind = ComponentKind::kSource;
  std::string type;
  const ComponentSpec* spec = nullptr;
  std::vector<InputRef> inputs;
  OptionValues options;
  SourceLocation location;  // where the component's name is written
  bool options_failed = false;  // an option had a problem (already reported): outputs may be unknown
  std::string definition;       // the component's settings as YAML text (interpolated)
};

struct PipelineConfig {
  std::string file;
  std::string data_dir;
  OptionValues log;  // the `log:` section (log_options.h), defaults filled in
  OptionValues observe;  // the `observe:` section (observe_options.h), defaults filled in
  std::vector<ComponentConfig> components;  // sources, transforms, sinks; file order within each

  const ComponentConfig* find(std::string_view name) const;
};

// The component types a loader may accept; the runtime's registry implements it.
class ComponentCatalog {
 public:
  virtual ~ComponentCatalog() = default;
  virtual const ComponentSpec* find(ComponentKind kind, const std::string& type) const = 0;
  virtual std::vector<std::string> types(ComponentKind kind) const = 0;
};

}  // namespace sluice

// PipelineConfig: a pipeline file after loading and validation.
//
// A pipeline file (YAML) names a data_dir and three sections — sources,
// transforms, sinks — each a map from component name to its settings: a `type`,
// `inputs` (for transforms and sinks) and the type's own options. Loading checks
// everything that can be checked without data and reports every problem at once
// (see config_loader.h); a PipelineConfig exists only for a pipeline without
// problems, so the runtime can trust it.
#pragma once

#include <functional>
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
  // An option is missing or had a problem (already reported): its outputs and what it does to
  // fields may be unknown.
  bool options_failed = false;
  std::string definition;       // the component's settings as YAML text (interpolated)
  // Governance (governance/exposure_check.h): a source's `schema:` names an entry of
  // `schemas:`; a sink's `accepts:` lists the classes it is cleared for (empty: not checked).
  std::string schema;
  SourceLocation schema_where;
  std::vector<std::string> accepts;
  SourceLocation accepts_where;
};

// One field of a schema and the class declared for it.
struct SchemaField {
  std::string path;        // as written: `email`, `client.ip`
  std::string data_class;  // public, internal, confidential or restricted (checked by the catalog)
  SourceLocation where;
};

// A `schemas:` entry: the classes of a source's fields, written inline or in a file
// of its own (`schemas: {requests: schemas/requests.yaml}`).
struct SchemaConfig {
  std::string name;
  std::vector<SchemaField> fields;
  std::string default_class;  // of fields the schema does not name; empty: public
  SourceLocation default_where;
  SourceLocation where;       // the schema's name in the pipeline file
};

struct PipelineConfig {
  std::string file;
  std::string data_dir;
  OptionValues log;  // the `log:` section (log_options.h), defaults filled in
  OptionValues observe;  // the `observe:` section (observe_options.h), defaults filled in
  std::vector<ComponentConfig> components;  // sources, transforms, sinks; file order within each
  std::vector<SchemaConfig> schemas;

  const ComponentConfig* find(std::string_view name) const;
  const SchemaConfig* find_schema(std::string_view name) const;
  // Calls `each` once for every component whose events can reach `component`, by any
  // path (its inputs, their inputs, ...), sources included.
  void for_each_upstream(const ComponentConfig& component,
                         const std::function<void(const ComponentConfig&)>& each) const;
};

// The component types a loader may accept; the runtime's registry implements it.
class ComponentCatalog {
 public:
  virtual ~ComponentCatalog() = default;
  virtual const ComponentSpec* find(ComponentKind kind, const std::string& type) const = 0;
  virtual std::vector<std::string> types(ComponentKind kind) const = 0;
  // Checks of the whole pipeline beyond its graph (the governance policy); what
  // follows data through the graph runs only when `graph_ok`.
  virtual void check_pipeline(const PipelineConfig& /*config*/, Diagnostics& /*diagnostics*/,
                              bool /*graph_ok*/) const {}
};

}  // namespace sluice

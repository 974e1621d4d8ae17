// Registry: every component type sluice knows, with its options and factory.
//
// Implements ComponentCatalog for the config loader. Adding a source, transform or
// sink type is one new file pair and one line in registry.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "sink/sink.h"
#include "source/source.h"
#include "transform/transform.h"

namespace sluice::runtime {

class Registry final : public ComponentCatalog {
 public:
  // The built-in types (registry.cpp).
  static const Registry& builtin();

  void add(source::SourceType type);
  void add(transform::TransformType type);
  void add(sink::SinkType type);

  const ComponentSpec* find(ComponentKind kind, const std::string& type) const override;
  std::vector<std::string> types(ComponentKind kind) const override;
  // The governance policy (governance/exposure_check.h).
  void check_pipeline(const PipelineConfig& config, Diagnostics& diagnostics, bool graph_ok) const override;

  const source::SourceType* source(const std::string& type) const;
  const transform::TransformType* transform(const std::string& type) const;
  const sink::SinkType* sink(const std::string& type) const;

 private:
  std::map<std::string, source::SourceType> sources_;
  std::map<std::string, transform::TransformType> transforms_;
  std::map<std::string, sink::SinkType> sinks_;
};

}  // namespace sluice::runtime

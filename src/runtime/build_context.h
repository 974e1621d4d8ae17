// BuildContext: what a component factory gets to build one component.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/config/pipeline_config.h"
#include "observe/component_stats.h"
#include "governance/audit_log.h"
#include "observe/tracing/tracer.h"

namespace sluice {

struct BuildContext {
  const ComponentConfig& config;
  const PipelineConfig& pipeline;
  observe::ComponentStats& stats;
  // Transforms: every (source, log partition) whose events can reach this one, so
  // event-time logic can wait for partitions that have not delivered yet.
  std::vector<std::pair<std::string, int32_t>> input_partitions = {};
  // Sources that take requests: trace them with this (null: tracing is off).
  observe::Tracer* tracer = nullptr;
  // Sources that authenticate requests: their refusals go here (null: not audited).
  governance::AuditLog* audit = nullptr;

  const OptionValues& options() const { return config.options; }
  const std::string& name() const { return config.name; }
};

}  // namespace sluice

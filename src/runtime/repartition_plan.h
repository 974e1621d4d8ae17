// Repartition plan: which stateful transforms of a pipeline on a shared log read a
// repartition topic (partitioned_state.h), and the pipeline rewritten for it.
//
// For each stateful transform T fed by stateless paths only, two internal
// components join the graph: the sink "T:repartition", which takes T's inputs and
// appends them to "<group>.T.repartition" keyed by T's state key, and the source
// "T:repartitioned", which reads that topic back and is T's only input. They show
// in metrics and /api/v1/components like any component. A stateful transform fed
// by a dedup, throttle or anomaly detector is planned the same way: their output
// keeps the positions it had in their repartition topic, which tell a replay. One
// fed by a window's results keeps the pipeline on one active instance (results
// have no upstream identity to tell a replayed one from a new one); the plan is
// then empty.
#pragma once

#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/field_path.h"
#include "core/status.h"
#include "log/log.h"
#include "runtime/log_setup.h"
#include "runtime/registry.h"

namespace sluice::runtime {

struct RepartitionedTransform {
  std::string transform;
  std::string sink;    // "T:repartition"
  std::string source;  // "T:repartitioned"
  log::TopicConfig topic;
  std::string changelog;  // "<group>.T.changelog", as many partitions as the topic
  std::vector<FieldPath> key;
};

struct RepartitionPlan {
  std::vector<RepartitionedTransform> transforms;
  std::string why_not;  // empty plan: why (for the log), empty when there is no stateful transform

  const RepartitionedTransform* by_transform(const std::string& name) const;
  const RepartitionedTransform* by_component(const std::string& name) const;  // sink or source
};

// Plans for `config` and adds the internal components to it. Builds each transform
// once to ask whether it is stateful and by which key.
Result<RepartitionPlan> plan_repartitions(PipelineConfig& config, const Registry& registry,
                                          const std::string& group);

}  // namespace sluice::runtime

#include "runtime/repartition_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "runtime/log_setup.h"

namespace sluice::runtime {

const RepartitionedTransform* RepartitionPlan::by_transform(const std::string& name) const {
  for (const RepartitionedTransform& t : transforms) {
    if (t.transform == name) return &t;
  }
  return nullptr;
}

const RepartitionedTransform* RepartitionPlan::by_component(const std::string& name) const {
  for (const RepartitionedTransform& t : transforms) {
    if (t.sink == name || t.source == name) return &t;
  }
  return nullptr;
}

namespace {

struct Upstream {
  std::vector<const ComponentConfig*> sources;
  // A stateful transform upstream whose output carries no input positions (a window).
  std::string stateful_without_positions;
};

// The sources whose events reach `component`, and which stateful transform upstream,
// if any, emits events that do not keep their input's position.
Upstream upstream_of(const PipelineConfig& config, const ComponentConfig& component,
                     const Registry& registry, const std::set<std::string>& stateful) {
  Upstream found;
  config.for_each_upstream(component, [&](const ComponentConfig& from) {
    if (from.kind == ComponentKind::kSource) {
      found.sources.push_back(&from);
    } else if (stateful.count(from.name) && !registry.transform(from.type)->passes_positions &&
               found.stateful_without_positions.empty()) {
      found.stateful_without_positions = from.name;
    }
  });
  return found;
}

}  // namespace

Result<RepartitionPlan> plan_repartitions(PipelineConfig& config, const Registry& registry,
                                          const std::string& group) {
  RepartitionPlan plan;
  std::set<std::string> stateful;
  std::map<std::string, std::vector<FieldPath>> keys;
  for (const ComponentConfig& c : config.components) {
    if (c.kind != ComponentKind::kTransform || !registry.transform(c.type)->stateful) continue;
    // Built only to ask its state key (a window's key_fields, a dedup's key...).
    observe::ComponentStats scratch(c.name, c.kind, c.type);
    BuildContext ctx{c, config, scratch};
    auto made = registry.transform(c.type)->make(ctx);
    if (!made) return made.status().with_context("transform \"" + c.name + "\"");
    stateful.insert(c.name);
    keys[c.name] = (*made)->state_key();
  }
  std::vector<RepartitionedTransform> planned;
  for (const ComponentConfig& c : config.components) {
    if (!stateful.count(c.name)) continue;
    // Behind a dedup, throttle or anomaly detector it reads their repartitioned
    // positions; a window's results have none to tell a replayed one by.
    const Upstream upstream = upstream_of(config, c, registry, stateful);
    if (!upstream.stateful_without_positions.empty()) {
      plan.why_not = "transform \"" + c.name + "\" reads the results of transform \"" +
                     upstream.stateful_without_positions +
                     "\", which carry no input positions to tell a replayed one";
      return plan;
    }
    RepartitionedTransform t;
    t.transform = c.name;
    t.sink = c.name + ":repartition";
    t.source = c.name + ":repartitioned";
    t.key = keys[c.name];
    t.topic.name = group + "." + c.name + ".repartition";
    // As many partitions as the widest input: the work splits as far as the input did.
    // Without a key every event may share state with every other: one partition.
    // Kept as long as the longest-kept input: a pipeline that stops for a while loses
    // nothing from the repartition topic its sources would still have.
    t.topic.partitions = 1;
    for (size_t i = 0; i < upstream.sources.size(); ++i) {
      const log::TopicConfig in = topic_config_for(*upstream.sources[i]);
      t.topic.partitions = std::max(t.topic.partitions, in.partitions);
      if (t.topic.encryption_key.empty()) t.topic.encryption_key = in.encryption_key;
      t.topic.codec = in.codec;
      const bool unlimited = in.retention_age_us < 0 || t.topic.retention_age_us < 0;
      t.topic.retention_age_us = i == 0 ? in.retention_age_us
                                 : unlimited
                                     ? -1
                                     : std::max(t.topic.retention_age_us, in.retention_age_us);
    }
    if (t.key.empty()) t.topic.partitions = 1;
    t.changelog = group + "." + c.name + ".changelog";
    planned.push_back(std::move(t));
  }
  // The graph rewritten: T's inputs feed its repartition sink; T reads the topic back.
  for (const RepartitionedTransform& t : planned) {
    ComponentConfig* transform = nullptr;
    for (ComponentConfig& c : config.components) {
      if (c.name == t.transform) transform = &c;
    }
    ComponentConfig sink;
    sink.name = t.sink;
    sink.kind = ComponentKind::kSink;
    sink.type = kRepartitionType;
    sink.inputs = transform->inputs;
    sink.location = transform->location;
    ComponentConfig source;
    source.name = t.source;
    source.kind = ComponentKind::kSource;
    source.type = kRepartitionType;
    source.location = transform->location;
    transform->inputs = {InputRef{t.source, "", transform->location}};
    config.components.push_back(std::move(sink));
    config.components.push_back(std::move(source));
  }
  plan.transforms = std::move(planned);
  return plan;
}

}  // namespace sluice::runtime

#include "runtime/registry.h"

#include <map>
#include <string>
#include <utility>

#include "core/config/kafka_options.h"
#include "core/config/log_options.h"
#include "governance/exposure_check.h"
#include "sink/blackhole.h"
#include "sink/console.h"
#include "sink/file.h"
#include "sink/kafka.h"
#include "sink/parquet.h"
#include "sink/sqlite.h"
#include "source/generator.h"
#include "source/http.h"
#include "source/kafka.h"
#include "source/topic.h"
#include "transform/anomaly/anomaly.h"
#include "transform/dedup.h"
#include "transform/enrich.h"
#include "transform/filter.h"
#include "transform/govern.h"
#include "transform/parse.h"
#include "transform/remap.h"
#include "transform/route.h"
#include "transform/sample.h"
#include "transform/throttle.h"
#include "transform/window/window.h"

namespace sluice::runtime {

const Registry& Registry::builtin() {
  static const Registry registry = [] {
    Registry r;
    // Sources.
    r.add(source::generator_source_type());
    r.add(source::http_source_type());
    r.add(source::kafka_source_type());
    r.add(source::topic_source_type());
    // Transforms.
    r.add(transform::anomaly_transform_type());
    r.add(transform::dedup_transform_type());
    r.add(transform::enrich_transform_type());
    r.add(transform::filter_transform_type());
    r.add(transform::govern_transform_type());
    r.add(transform::parse_transform_type());
    r.add(transform::remap_transform_type());
    r.add(transform::route_transform_type());
    r.add(transform::sample_transform_type());
    r.add(transform::throttle_transform_type());
    r.add(transform::window_transform_type());
    // Sinks.
    r.add(sink::blackhole_sink_type());
    r.add(sink::console_sink_type());
    r.add(sink::file_sink_type());
    r.add(sink::kafka_sink_type());
    r.add(sink::parquet_sink_type());
    r.add(sink::sqlite_sink_type());
    return r;
  }();
  return registry;
}

void Registry::add(source::SourceType type) {
  // Every source appends to a log topic; its topic settings are options of the source.
  for (const OptionSpec& option : topic_options()) type.spec.options.push_back(option);
  std::string name = type.spec.type;
  sources_.emplace(std::move(name), std::move(type));
}
void Registry::add(transform::TransformType type) {
  std::string name = type.spec.type;
  transforms_.emplace(std::move(name), std::move(type));
}
void Registry::add(sink::SinkType type) {
  std::string name = type.spec.type;
  sinks_.emplace(std::move(name), std::move(type));
}

const ComponentSpec* Registry::find(ComponentKind kind, const std::string& type) const {
  switch (kind) {
    case ComponentKind::kSource: {
      auto* t = source(type);
      return t ? &t->spec : nullptr;
    }
    case ComponentKind::kTransform: {
      auto* t = transform(type);
      return t ? &t->spec : nullptr;
    }
    case ComponentKind::kSink: {
      auto* t = sink(type);
      return t ? &t->spec : nullptr;
    }
  }
  return nullptr;
}

void Registry::check_pipeline(const PipelineConfig& config, Diagnostics& diagnostics,
                              bool graph_ok) const {
  governance::check_exposure(config, diagnostics, graph_ok);
  // A Kafka component without brokers needs the pipeline's Kafka log: known only
  // from the whole file, so checked here rather than with the component's options.
  // Two sinks producing with one transactional id to one cluster would fence each
  // other's producer at every batch: neither would make progress.
  std::map<std::pair<std::string, std::string>, const ComponentConfig*> transactional;
  for (const ComponentConfig& c : config.components) {
    if (c.type != "kafka") continue;
    auto connection = kafka_connection(c, config);
    if (!connection) {
      diagnostics.error(c.location, connection.status().message());
      continue;
    }
    if (c.kind != ComponentKind::kSink || !c.options.has("transactional_id")) continue;
    const std::string id = c.options.get_string("transactional_id");
    if (id.empty()) continue;
    auto [first, inserted] = transactional.try_emplace({connection->brokers, id}, &c);
    if (!inserted) {
      diagnostics.error(c.location, "sink \"" + c.name + "\": transactional_id \"" + id +
                                        "\" is also that of sink \"" + first->second->name +
                                        "\" (line " + std::to_string(first->second->location.line) +
                                        "): each transactional sink needs an id of its own, or the "
                                        "two fence each other's producer");
    }
  }
}

std::vector<std::string> Registry::types(ComponentKind kind) const {
  std::vector<std::string> names;
  auto collect = [&](const auto& map) {
    for (const auto& [name, _] : map) names.push_back(name);
  };
  if (kind == ComponentKind::kSource) collect(sources_);
  if (kind == ComponentKind::kTransform) collect(transforms_);
  if (kind == ComponentKind::kSink) collect(sinks_);
  return names;
}

const source::SourceType* Registry::source(const std::string& type) const {
  auto it = sources_.find(type);
  return it == sources_.end() ? nullptr : &it->second;
}
const transform::TransformType* Registry::transform(const std::string& type) const {
  auto it = transforms_.find(type);
  return it == transforms_.end() ? nullptr : &it->second;
}
const sink::SinkType* Registry::sink(const std::string& type) const {
  auto it = sinks_.find(type);
  return it == sinks_.end() ? nullptr : &it->second;
}

}  // namespace sluice::runtime

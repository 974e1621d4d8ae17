// Benchmark support: one transform built from a YAML snippet (a transform named "t"
// reading source "in"), fed copies of 1024 generator events in a fresh arena per
// batch, as the pipeline thread runs it.
#pragma once

#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config_loader.h"
#include "core/config/graph_check.h"
#include "format/json_writer.h"
#include "runtime/registry.h"
#include "source/traffic_model.h"

namespace sluice::bench {

constexpr int kBatchEvents = 1024;

struct TransformFixture {
  explicit TransformFixture(const std::string& transform_yaml,
                            std::vector<std::pair<std::string, int32_t>> input_partitions = {}) {
    Diagnostics diagnostics;
    auto loaded =
        load_pipeline_text("sources:\n  in: {type: generator}\ntransforms:\n  t:\n" +
                               transform_yaml + "\nsinks:\n  out: {type: blackhole, inputs: [t]}\n",
                           "bench.yaml", runtime::Registry::builtin(), diagnostics);
    if (!loaded) throw std::runtime_error(diagnostics.format());
    config = *loaded;
    const ComponentConfig& c = *config.find("t");
    stats = std::make_unique<observe::ComponentStats>(c.name, c.kind, c.type);
    BuildContext ctx{c, config, *stats, std::move(input_partitions)};
    transform = std::move(runtime::Registry::builtin().transform(c.type)->make(ctx)).value();
    ports = component_outputs(c).size();
    source::TrafficModel model(source::TrafficOptions{});
    for (int i = 0; i < kBatchEvents; ++i) input.events.push_back(model.next(input.arena()));
  }

  // Replaces every input event by {<field>: "<the event as JSON>"}.
  void wrap_as_string_field(const std::string& field) {
    const FieldId id = FieldNames::intern(field);
    for (Event& e : input.events) {
      const std::string json = format::to_json(e.fields);
      ObjectBuilder b(input.arena(), 1);
      b.append_unique(id, Value::string(input.arena().copy_string(json)));
      e.fields = b.finish();
    }
  }

  // One batch through the transform; `prepare` may change the copied events first.
  // Returns its outputs (the main one first).
  template <typename Prepare>
  std::vector<Batch> process(Prepare&& prepare) {
    Batch in(std::make_shared<Arena>());
    in.origin.source = "in";
    in.origin.partition = 0;
    in.events = input.events;
    prepare(in);
    std::vector<Batch> outputs(ports, in.derive());
    transform::TransformOutputs out(outputs, "t", *stats);
    transform->process(in, out);
    return outputs;
  }
  template <typename Prepare>
  void run_once(Prepare&& prepare) {
    std::vector<Batch> outputs = process(prepare);
    benchmark::DoNotOptimize(outputs[0].events.data());
  }
  void run_once() {
    run_once([](Batch&) {});
  }

  PipelineConfig config;
  std::unique_ptr<observe::ComponentStats> stats;
  std::unique_ptr<transform::Transform> transform;
  size_t ports = 2;
  Batch input;
};

}  // namespace sluice::bench

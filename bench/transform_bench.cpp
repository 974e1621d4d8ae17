// The per-event cost of the filter and remap transforms on generator events, as the
// pipeline thread runs them (a batch at a time, outputs built in the batch's arena).
#include <benchmark/benchmark.h>

#include "core/config/config_loader.h"
#include "runtime/registry.h"
#include "source/traffic_model.h"

namespace {

using namespace sluice;

struct Fixture {
  explicit Fixture(const std::string& transform_yaml) {
    Diagnostics diagnostics;
    auto loaded = load_pipeline_text("sources:\n  in: {type: generator}\ntransforms:\n  t:\n" + transform_yaml +
                                         "\nsinks:\n  out: {type: blackhole, inputs: [t]}\n",
                                     "bench.yaml", runtime::Registry::builtin(), diagnostics);
    if (!loaded) throw std::runtime_error(diagnostics.format());
    config = *loaded;
    const ComponentConfig& c = *config.find("t");
    stats = std::make_unique<observe::ComponentStats>(c.name, c.kind, c.type);
    BuildContext ctx{c, config, *stats};
    transform = std::move(runtime::Registry::builtin().transform(c.type)->make(ctx)).value();
    source::TrafficModel model(source::TrafficOptions{});
    for (int i = 0; i < 1024; ++i) input.events.push_back(model.next(input.arena()));
  }

  void run_once() {
    // Each batch gets a fresh arena, as in the pipeline.
    Batch in(std::make_shared<Arena>());
    in.events = input.events;
    std::vector<Batch> ports(2, in.derive());
    transform::TransformOutputs outputs(ports, "t", *stats);
    transform->process(in, outputs);
    benchmark::DoNotOptimize(ports[0].events.data());
  }

  PipelineConfig config;
  std::unique_ptr<observe::ComponentStats> stats;
  std::unique_ptr<transform::Transform> transform;
  Batch input;
};

void BM_FilterBatch(benchmark::State& state) {
  Fixture f("    type: filter\n    inputs: [in]\n    condition: .status >= 500 && starts_with(.route, \"/api\")");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_FilterBatch);

void BM_RemapBatch(benchmark::State& state) {
  Fixture f(
      "    type: remap\n    inputs: [in]\n    set:\n      latency_s: to_float(.latency_ms) / 1000\n"
      "      is_error: .status >= 500\n    delete: [card_number]");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_RemapBatch);

}  // namespace

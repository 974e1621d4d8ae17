// The per-event cost of the window transform on generator events: count + sum + p99
// by service over 1-minute tumbling windows, a batch of 1024 at a time as the
// pipeline thread runs it, with event time advancing 10 µs per event (100,000
// events/s of traffic), so windows close and are emitted as they would live.
#include <benchmark/benchmark.h>

#include "core/config/config_loader.h"
#include "runtime/registry.h"
#include "source/traffic_model.h"

namespace {

using namespace sluice;

constexpr int kBatch = 1024;

struct WindowFixture {
  explicit WindowFixture(const std::string& aggregates_yaml, const std::string& extra = "") {
    Diagnostics diagnostics;
    auto loaded = load_pipeline_text(
        "sources:\n  in: {type: generator}\ntransforms:\n  t:\n    type: window\n    inputs: [in]\n"
        "    size: 1m\n    key_fields: [service]\n" + extra + "    aggregates:\n" + aggregates_yaml +
            "\nsinks:\n  out: {type: blackhole, inputs: [t]}\n",
        "bench.yaml", runtime::Registry::builtin(), diagnostics);
    if (!loaded) throw std::runtime_error(diagnostics.format());
    config = *loaded;
    const ComponentConfig& c = *config.find("t");
    stats = std::make_unique<observe::ComponentStats>(c.name, c.kind, c.type);
    BuildContext ctx{c, config, *stats, {{"in", 0}}};
    transform = std::move(runtime::Registry::builtin().transform(c.type)->make(ctx)).value();
    source::TrafficModel model(source::TrafficOptions{});
    for (int i = 0; i < kBatch; ++i) input.events.push_back(model.next(input.arena()));
  }

  void run_once() {
    Batch in(std::make_shared<Arena>());
    in.origin.source = "in";
    in.origin.partition = 0;
    in.events = input.events;
    for (Event& e : in.events) {
      e.time_us = now_us_;
      now_us_ += 10;
    }
    std::vector<Batch> ports(3, in.derive());
    transform::TransformOutputs outputs(ports, "t", *stats);
    transform->process(in, outputs);
    benchmark::DoNotOptimize(ports[0].events.data());
  }

  PipelineConfig config;
  std::unique_ptr<observe::ComponentStats> stats;
  std::unique_ptr<transform::Transform> transform;
  Batch input;
  int64_t now_us_ = 1'767'225'600'000'000;
};

void BM_WindowCountSumP99ByService(benchmark::State& state) {
  WindowFixture f("      requests: count()\n      bytes: sum(.bytes)\n      p99_ms: p99(.latency_ms)\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WindowCountSumP99ByService);

void BM_WindowCount(benchmark::State& state) {
  WindowFixture f("      requests: count()\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WindowCount);

void BM_WindowDemoAggregates(benchmark::State& state) {
  WindowFixture f(
      "      requests: count()\n      errors: count_if(.status >= 500)\n      p50_ms: p50(.latency_ms)\n"
      "      p99_ms: p99(.latency_ms)\n      users: distinct(.user_id)\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WindowDemoAggregates);

void BM_WindowHopping1mBy10s(benchmark::State& state) {
  WindowFixture f("      requests: count()\n      bytes: sum(.bytes)\n      p99_ms: p99(.latency_ms)\n",
                  "    window: hopping\n    slide: 10s\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WindowHopping1mBy10s);

}  // namespace

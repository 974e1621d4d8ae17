// The per-event cost of the window transform on generator events: count + sum + p99
// by service over 1-minute tumbling windows, a batch of 1024 at a time as the
// pipeline thread runs it, with event time advancing 10 µs per event (100,000
// events/s of traffic), so windows close and are emitted as they would live.
#include <benchmark/benchmark.h>

#include "transform_fixture.h"

namespace {

using sluice::bench::kBatchEvents;

// A window keyed by service over 1-minute windows, with event time advancing 10 µs per event.
struct WindowFixture {
  explicit WindowFixture(const std::string& aggregates_yaml, const std::string& extra = "")
      : f("    type: window\n    inputs: [in]\n    size: 1m\n    key_fields: [service]\n" + extra +
              "    aggregates:\n" + aggregates_yaml,
          {{"in", 0}}) {}

  void run_once() {
    f.run_once([this](sluice::Batch& in) {
      for (sluice::Event& e : in.events) {
        e.time_us = now_us;
        now_us += 10;
      }
    });
  }

  sluice::bench::TransformFixture f;
  int64_t now_us = 1'767'225'600'000'000;
};

void BM_WindowCountSumP99ByService(benchmark::State& state) {
  WindowFixture f(
      "      requests: count()\n      bytes: sum(.bytes)\n      p99_ms: p99(.latency_ms)\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_WindowCountSumP99ByService);

void BM_WindowCount(benchmark::State& state) {
  WindowFixture f("      requests: count()\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_WindowCount);

void BM_WindowDemoAggregates(benchmark::State& state) {
  WindowFixture f(
      "      requests: count()\n      errors: count_if(.status >= 500)\n      p50_ms: "
      "p50(.latency_ms)\n"
      "      p99_ms: p99(.latency_ms)\n      users: distinct(.user_id)\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_WindowDemoAggregates);

void BM_WindowHopping1mBy10s(benchmark::State& state) {
  WindowFixture f(
      "      requests: count()\n      bytes: sum(.bytes)\n      p99_ms: p99(.latency_ms)\n",
      "    window: hopping\n    slide: 10s\n");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_WindowHopping1mBy10s);

}  // namespace

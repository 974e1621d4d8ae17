// The per-event cost of the filter and remap transforms on generator events, as the
// pipeline thread runs them (a batch at a time, outputs built in the batch's arena).
#include <benchmark/benchmark.h>

#include "transform_fixture.h"

namespace {

using sluice::bench::kBatchEvents;
using sluice::bench::TransformFixture;

void BM_FilterBatch(benchmark::State& state) {
  TransformFixture f(
      "    type: filter\n    inputs: [in]\n    condition: .status >= 500 && starts_with(.route, "
      "\"/api\")");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_FilterBatch);

void BM_RemapBatch(benchmark::State& state) {
  TransformFixture f(
      "    type: remap\n    inputs: [in]\n    set:\n      latency_s: to_float(.latency_ms) / 1000\n"
      "      is_error: .status >= 500\n    delete: [card_number]");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_RemapBatch);

}  // namespace

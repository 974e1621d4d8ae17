// The per-event cost of the stateless and keyed transforms on generator events, as
// the pipeline thread runs them (a batch at a time, outputs built in the batch's
// arena). Windows have window_bench; anomaly detection runs on window results
// (one point per series and minute) and is measured here per point.
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

void run(benchmark::State& state, const std::string& yaml) {
  TransformFixture f(yaml);
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}

void BM_RouteBatch(benchmark::State& state) {
  run(state, "    type: route\n    inputs: [in]\n    routes:\n      errors: .status >= 500\n"
             "      slow: .latency_ms > 500\n      api: starts_with(.route, \"/api\")");
}
BENCHMARK(BM_RouteBatch);

void BM_SampleBatch(benchmark::State& state) {
  run(state, "    type: sample\n    inputs: [in]\n    rate: 0.1\n    key_fields: [trace_id]");
}
BENCHMARK(BM_SampleBatch);

void BM_DedupBatch(benchmark::State& state) {
  // Every batch repeats the same 1024 trace ids: after the first, all are duplicates.
  run(state, "    type: dedup\n    inputs: [in]\n    key_fields: [trace_id]\n    window: 1h");
}
BENCHMARK(BM_DedupBatch);

void BM_ThrottleBatch(benchmark::State& state) {
  run(state, "    type: throttle\n    inputs: [in]\n    key_fields: [user_id]\n    limit: 1000000");
}
BENCHMARK(BM_ThrottleBatch);

void BM_ParseJsonBatch(benchmark::State& state) {
  // The event's own JSON as a string field, parsed back into it.
  TransformFixture f("    type: parse\n    inputs: [in]\n    field: .message\n    drop_field: true");
  f.wrap_as_string_field("message");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_ParseJsonBatch);

void BM_ParseRegexBatch(benchmark::State& state) {
  TransformFixture f(
      "    type: parse\n    inputs: [in]\n    field: .route\n    format: regex\n"
      "    pattern: '^/(?P<area>[a-z]+)/(?P<version>v[0-9]+)/(?P<resource>[a-z]+)'\n    target: .route_parts");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_ParseRegexBatch);

void BM_EnrichBatch(benchmark::State& state) {
  run(state, std::string("    type: enrich\n    inputs: [in]\n    table: ") + SLUICE_SOURCE_DIR +
                 "/examples/services.csv\n    key: .service\n    fields: [team, tier]");
}
BENCHMARK(BM_EnrichBatch);

void BM_AnomalyPoint(benchmark::State& state, const std::string& method) {
  run(state, "    type: anomaly\n    inputs: [in]\n    value: .latency_ms\n    series: [service]\n    method: " +
                 method + "\n    interval: 1ms\n    season: 1s");
}
BENCHMARK_CAPTURE(BM_AnomalyPoint, ewma_zscore, std::string("ewma_zscore"));
BENCHMARK_CAPTURE(BM_AnomalyPoint, mad, std::string("mad"));
BENCHMARK_CAPTURE(BM_AnomalyPoint, seasonal, std::string("seasonal"));

}  // namespace

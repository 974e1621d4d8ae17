// How fast the generator makes events (it must never be the bottleneck of a load
// test), and how fast events become NDJSON (the file sink's and `gen`'s hot path).
#include <benchmark/benchmark.h>

#include "format/json_writer.h"
#include "source/traffic_model.h"

namespace {

using namespace sluice;

void BM_TrafficModelNext(benchmark::State& state) {
  source::TrafficModel model(source::TrafficOptions{});
  Arena arena;
  size_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.next(arena));
    if (++n % 4096 == 0) arena.reset();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrafficModelNext);

void BM_EventToNdjson(benchmark::State& state) {
  source::TrafficModel model(source::TrafficOptions{});
  Arena arena;
  std::vector<Event> events;
  for (int i = 0; i < 4096; ++i) events.push_back(model.next(arena));
  std::string out;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    format::append_ndjson_line(events[i++ & 4095], out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_EventToNdjson);

}  // namespace

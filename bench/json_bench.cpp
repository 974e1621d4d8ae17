// JSON ⇄ event throughput on the generator's events. Target (issue 2): reading at
// least 400 MB/s per core.
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

#include "format/json_reader.h"
#include "format/json_writer.h"
#include "source/traffic_model.h"

namespace {

using namespace sluice;

// About 10 MB of NDJSON from the traffic model.
const std::string& ndjson_body() {
  static const std::string body = [] {
    source::TrafficModel model(source::TrafficOptions{});
    Arena arena;
    std::string out;
    while (out.size() < 10'000'000) format::append_ndjson_line(model.next(arena), out);
    return out;
  }();
  return body;
}

// The same events as JSON array bodies of 1000 events, as HTTP clients send them.
const std::string& array_body() {
  static const std::string body = [] {
    source::TrafficModel model(source::TrafficOptions{});
    Arena arena;
    std::string out = "[";
    for (int i = 0; i < 1000; ++i) {
      if (i) out += ',';
      format::append_json(model.next(arena).fields, out);
    }
    return out + "]";
  }();
  return body;
}

void read_body(benchmark::State& state, const std::string& body, format::BodyFormat format) {
  format::JsonReader reader;
  std::vector<format::JsonError> errors;
  size_t events = 0;
  for (auto _ : state) {
    Batch batch;
    errors.clear();
    if (!reader.read_events(body, format, batch, &errors).is_ok() || !errors.empty()) {
      state.SkipWithError("unexpected parse error");
      return;
    }
    events += batch.size();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body.size()));
  state.SetItemsProcessed(int64_t(events));
}

void BM_ReadNdjson(benchmark::State& state) { read_body(state, ndjson_body(), format::BodyFormat::kNdjson); }
BENCHMARK(BM_ReadNdjson)->Unit(benchmark::kMillisecond);

void BM_ReadJsonArray(benchmark::State& state) { read_body(state, array_body(), format::BodyFormat::kArray); }
BENCHMARK(BM_ReadJsonArray);

void BM_WriteNdjson(benchmark::State& state) {
  source::TrafficModel model(source::TrafficOptions{});
  Arena arena;
  std::vector<Event> events;
  for (int i = 0; i < 1000; ++i) events.push_back(model.next(arena));
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (const Event& e : events) format::append_ndjson_line(e, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(bytes));
  state.SetItemsProcessed(int64_t(state.iterations()) * 1000);
}
BENCHMARK(BM_WriteNdjson);

}  // namespace

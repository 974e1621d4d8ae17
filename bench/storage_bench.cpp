// Storage tiers: the Parquet lake (encoding, the sink's whole write path, reading
// back) and the SQLite sink, on the generator's events (~14 fields, ~300 bytes of
// JSON each), 4096 events per batch as the log hands them over.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdexcept>

#include "core/config/config_loader.h"
#include "format/parquet/file_reader.h"
#include "format/parquet/file_writer.h"
#include "runtime/registry.h"
#include "sink/lake/lake_reader.h"
#include "source/traffic_model.h"
#include "support/mock_kafka_cluster.h"

namespace sluice::bench {
namespace {

namespace fs = std::filesystem;
constexpr int kBatchEvents = 4096;

struct ScratchDir {
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "sluice-bench-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

// Batches of generator events with consecutive log offsets of partition 0.
std::vector<Batch> make_batches(int count) {
  source::TrafficModel model(source::TrafficOptions{});
  std::vector<Batch> batches(static_cast<size_t>(count));
  int64_t offset = 0;
  for (Batch& b : batches) {
    b.origin.source = "in";
    b.origin.partition = 0;
    b.origin.first_offset = offset;
    for (int i = 0; i < kBatchEvents; ++i) {
      Event e = model.next(b.arena());
      e.offset = offset++;
      b.events.push_back(e);
    }
    b.origin.last_offset = offset - 1;
  }
  return batches;
}

// A sink of `type` built from YAML options, writing under `dir`.
struct SinkFixture {
  SinkFixture(const std::string& dir, const std::string& type, const std::string& options) {
    Diagnostics diagnostics;
    auto loaded = load_pipeline_text(
        "data_dir: " + dir + "\nsources:\n  in: {type: generator}\nsinks:\n  s:\n    type: " +
            type + "\n    inputs: [in]\n" + options,
        "bench.yaml", runtime::Registry::builtin(), diagnostics);
    if (!loaded) throw std::runtime_error(diagnostics.format());
    config = *loaded;
    stats = std::make_unique<observe::ComponentStats>("s", ComponentKind::kSink, type);
    BuildContext ctx{*config.find("s"), config, *stats};
    sink = std::move(runtime::Registry::builtin().sink(type)->make(ctx)).value();
  }
  PipelineConfig config;
  std::unique_ptr<observe::ComponentStats> stats;
  std::unique_ptr<sink::Sink> sink;
};

// The parquet sink's whole path per event — directory, columns, values, dictionary,
// and at every 64 MiB the row group encoded and written — files closed by size.
void BM_LakeSinkWrite(benchmark::State& state, const std::string& codec) {
  ScratchDir dir;
  SinkFixture f(dir.path, "parquet",
                "    path: lake\n    compression: " + codec +
                    "\n    max_file_size: 64MiB\n    row_group_size: 16MiB\n");
  auto batches = make_batches(16);
  size_t i = 0;
  for (auto _ : state) {
    if (!f.sink->write(batches[i++ % batches.size()]).is_ok()) state.SkipWithError("write failed");
    // Offsets must go on growing for the lake not to skip them as replays.
    if (i % batches.size() == 0) {
      state.PauseTiming();
      for (Batch& b : batches) {
        for (Event& e : b.events) e.offset += static_cast<int64_t>(batches.size()) * kBatchEvents;
      }
      state.ResumeTiming();
    }
  }
  if (!f.sink->close().is_ok()) state.SkipWithError("close failed");
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
  uint64_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path + "/lake"))
    bytes += e.is_regular_file() ? e.file_size() : 0;
  state.counters["file_bytes_per_event"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations() * kBatchEvents);
}
BENCHMARK_CAPTURE(BM_LakeSinkWrite, zstd, std::string("zstd"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LakeSinkWrite, snappy, std::string("snappy"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LakeSinkWrite, none, std::string("none"))->Unit(benchmark::kMillisecond);

// Reading a lake file back into events (what `sluice replay` does per file).
void BM_LakeRead(benchmark::State& state) {
  ScratchDir dir;
  {
    SinkFixture f(dir.path, "parquet", "    path: lake\n    partition_by: []\n");
    for (const Batch& b : make_batches(32)) (void)f.sink->write(b);
    (void)f.sink->close();
  }
  auto files = sink::lake::lake_files(dir.path + "/lake");
  int64_t events = 0;
  for (auto _ : state) {
    for (const std::string& path : *files) {
      auto reader = sink::lake::LakeReader::open(path);
      Batch batch;
      while (true) {
        auto more = (*reader)->next(&batch);
        if (!more || !*more) break;
      }
      events += static_cast<int64_t>(batch.size());
      benchmark::DoNotOptimize(batch.events.data());
    }
  }
  state.SetItemsProcessed(events);
}
BENCHMARK(BM_LakeRead)->Unit(benchmark::kMillisecond);

// The SQLite sink: one transaction per batch, synchronous full or normal.
void BM_SqliteSinkWrite(benchmark::State& state, const std::string& synchronous) {
  ScratchDir dir;
  SinkFixture f(dir.path, "sqlite", "    path: w.db\n    synchronous: " + synchronous + "\n");
  auto batches = make_batches(16);
  size_t i = 0;
  for (auto _ : state) {
    Batch& b = batches[i++ % batches.size()];
    if (!f.sink->write(b).is_ok()) state.SkipWithError("write failed");
    state.PauseTiming();
    for (Event& e : b.events) e.offset += static_cast<int64_t>(batches.size()) * kBatchEvents;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK_CAPTURE(BM_SqliteSinkWrite, full, std::string("full"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SqliteSinkWrite, normal, std::string("normal"))->Unit(benchmark::kMillisecond);

// The kafka sink against librdkafka's mock brokers (3, in this process): each write
// produces a batch as JSON and waits for every acknowledgement; transactional, it is
// also one transaction with its progress record. The mock brokers are a protocol
// peer, not a performance reference for a real cluster.
void BM_KafkaSinkWrite(benchmark::State& state, bool transactional, const std::string& properties) {
  ScratchDir dir;
  testing::MockKafkaCluster cluster(3);
  cluster.create_topic("out", 3);
  cluster.create_topic("out.sluice-progress", 1);
  SinkFixture f(dir.path, "kafka",
                "    brokers: " + cluster.bootstrap() +
                    "\n    topic: out\n    key: .service\n    properties: {log_level: \"2\"" +
                    properties + "}\n" + (transactional ? "    transactional_id: bench\n" : ""));
  auto batches = make_batches(16);
  const int events = static_cast<int>(state.range(0));
  for (Batch& b : batches) b.events.resize(static_cast<size_t>(events));
  // Connecting (and, transactional, registering the id and reading the progress)
  // happens once per run: outside the timing.
  Batch first = make_batches(1).front();
  first.origin.partition = 1;
  if (Status s = f.sink->write(first); !s.is_ok()) state.SkipWithError(s.message().c_str());
  size_t i = 0;
  for (auto _ : state) {
    Batch& b = batches[i++ % batches.size()];
    if (Status s = f.sink->write(b); !s.is_ok()) state.SkipWithError(s.message().c_str());
    state.PauseTiming();
    for (Event& e : b.events) e.offset += static_cast<int64_t>(batches.size()) * kBatchEvents;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * events);
  (void)f.sink->close();
}
BENCHMARK_CAPTURE(BM_KafkaSinkWrite, at_least_once, false, std::string())
    ->Arg(256)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// Without the sink's default linger of 5 ms: what the default is measured against.
BENCHMARK_CAPTURE(BM_KafkaSinkWrite, at_least_once_linger_0, false,
                  std::string(", linger.ms: \"0\""))
    ->Arg(256)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_KafkaSinkWrite, transactional, true, std::string())
    ->Arg(256)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace sluice::bench

// What routing a stateful transform's input through its repartition topic costs
// (runtime/repartition_plan.h): appending 1024 generator events keyed by .service to
// a 12-partition topic of the embedded log (`fsync: never`, so the disk is out of
// it), with and without the upstream position each record carries; and reading them
// back, with and without decoding those positions and checking each against the
// replay marks, as a lane does.
//
//   cd build/release/bench && ./repartition_bench --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "log/embedded_log.h"
#include "observe/component_stats.h"
#include "runtime/topic_reader.h"
#include "runtime/topic_writer.h"
#include "runtime/upstream_marks.h"
#include "source/traffic_model.h"

namespace {

using namespace sluice;
constexpr int kEvents = 1024;
constexpr int32_t kPartitions = 12;

struct RepartitionTopic {
  RepartitionTopic() {
    const char* base = std::getenv("SLUICE_BENCH_DIR");
    dir = std::string(base ? base : "/tmp") + "/sluice-bench-repartition-" +
          std::to_string(::getpid());
    std::filesystem::remove_all(dir);
    log::EmbeddedLogOptions options;
    options.dir = dir;
    log = std::move(log::EmbeddedLog::open(options)).value();
    log::TopicConfig topic;
    topic.name = "t";
    topic.partitions = kPartitions;
    topic.durability = log::Durability::kNever;
    topic.segment_bytes = int64_t(512) << 20;
    (void)log->ensure_topic(topic);
    batch.origin.source = "events";
    batch.origin.partition = 3;
    source::TrafficModel model(source::TrafficOptions{});
    for (int i = 0; i < kEvents; ++i) {
      batch.events.push_back(model.next(batch.arena()));
      batch.events.back().offset = 1'000'000 + i;
    }
  }
  ~RepartitionTopic() {
    (void)log->close();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::unique_ptr<log::EmbeddedLog> log;
  Batch batch;
  observe::ComponentStats stats{"r", ComponentKind::kSink, "repartition"};
};

// Arg: 0 key only, 1 key and upstream position (what a repartition sink appends).
void BM_RepartitionAppend(benchmark::State& state) {
  RepartitionTopic topic;
  runtime::TopicWriter writer(*topic.log, "t", kPartitions, {*FieldPath::parse("service")});
  if (state.range(0) == 1) writer.carry_upstream();
  for (auto _ : state) {
    Status s = writer.append(topic.batch);
    if (!s.is_ok()) state.SkipWithError(s.message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}
BENCHMARK(BM_RepartitionAppend)->ArgName("upstream")->Arg(0)->Arg(1)->UseRealTime();

// Arg: 0 plain read, 1 positions decoded and checked against the marks.
void BM_RepartitionRead(benchmark::State& state) {
  RepartitionTopic topic;
  runtime::TopicWriter writer(*topic.log, "t", kPartitions, {*FieldPath::parse("service")});
  writer.carry_upstream();
  constexpr int kAppends = 100;
  for (int i = 0; i < kAppends; ++i) {
    for (Event& e : topic.batch.events) e.offset += kEvents;
    (void)writer.append(topic.batch);
  }
  int64_t events = 0;
  for (auto _ : state) {
    runtime::TopicReader reader(*topic.log, "t", kPartitions, "r", 1 << 20, topic.stats);
    if (state.range(0) == 1) reader.read_upstream();
    runtime::UpstreamMarks marks;
    int64_t read = 0, fresh = 0;
    while (read < int64_t{kAppends} * kEvents) {
      auto next = reader.next(0);
      if (!next.is_ok() || !*next) {
        state.SkipWithError("the topic ended early");
        break;
      }
      read += static_cast<int64_t>((*next)->events.size());
      for (const UpstreamPosition& p : (*next)->upstream) fresh += marks.first_time(p);
    }
    benchmark::DoNotOptimize(fresh);
    events += read;
  }
  state.SetItemsProcessed(events);
}
BENCHMARK(BM_RepartitionRead)->ArgName("upstream")->Arg(0)->Arg(1)->UseRealTime();

}  // namespace

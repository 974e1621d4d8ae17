// Log append throughput for ~200-byte events, batches of 100, beside the raw
// sequential write bandwidth of the same disk measured in the same run; and the
// read path (reading and decoding batches back) per codec. The same appends and
// reads through the Kafka log against librdkafka's in-process mock brokers: what
// the client side costs, not what a real cluster does (the mock keeps records in
// memory, replicates nothing and answers on loopback).
//
//   cd build/release/bench && ./log_bench --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true
//
// The log lives under $SLUICE_BENCH_DIR (default: /tmp), which should be the disk
// data_dir will use. Each benchmark writes into a fresh directory and removes it.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "log/embedded_log.h"
#include "log/kafka_log.h"
#include "support/mock_kafka_cluster.h"

namespace {

using namespace sluice;
constexpr size_t kEventBytes = 200;
constexpr size_t kBatch = 100;

std::string bench_dir(const std::string& name) {
  const char* base = std::getenv("SLUICE_BENCH_DIR");
  std::string dir = std::string(base ? base : "/tmp") + "/sluice-bench-" + name + "-" +
                    std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

std::vector<std::string> sample_values() {
  std::vector<std::string> values;
  for (size_t i = 0; i < kBatch; ++i) {
    std::string v = R"({"service":"checkout","route":"/api/v1/orders","status":200,"latency_ms":)" +
                    std::to_string(i) + R"(,"user":"u-)" + std::to_string(i * 7919) + "\"}";
    v.resize(kEventBytes, ' ');
    values.push_back(std::move(v));
  }
  return values;
}

// write() of the same bytes per batch to one file, with an fdatasync every 50 ms as
// `fsync: interval` does: what the disk sustains for a plain sequential writer, the
// baseline the log's appends are compared with. (Without the fdatasyncs it would
// measure the page cache, not the disk.)
void BM_RawSequentialWrite(benchmark::State& state) {
  const std::string dir = bench_dir("raw");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/raw";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string buffer(kEventBytes * kBatch + 48, 'x');
  auto next_sync = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  for (auto _ : state) {
    if (::write(fd, buffer.data(), buffer.size()) != static_cast<ssize_t>(buffer.size()))
      state.SkipWithError("write");
    if (std::chrono::steady_clock::now() >= next_sync) {
      ::fdatasync(fd);
      next_sync = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    }
  }
  ::fdatasync(fd);
  ::close(fd);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kEventBytes * kBatch));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RawSequentialWrite)->UseRealTime();

struct SharedLog {
  std::unique_ptr<log::EmbeddedLog> log;
  std::string dir;
};
SharedLog* g_log = nullptr;

// Arg: 0 never, 1 interval (50 ms), 2 always. Several threads share one partition,
// so with `always` concurrent appends share fsyncs (group commit).
void BM_LogAppend(benchmark::State& state) {
  const auto durability = static_cast<log::Durability>(state.range(0) == 0   ? 2
                                                       : state.range(0) == 1 ? 1
                                                                             : 0);
  if (state.thread_index() == 0) {
    g_log = new SharedLog;
    g_log->dir = bench_dir("append");
    log::EmbeddedLogOptions options;
    options.dir = g_log->dir;
    g_log->log = std::move(log::EmbeddedLog::open(options)).value();
    log::TopicConfig topic;
    topic.name = "bench";
    topic.durability = durability;
    topic.segment_bytes = 256 << 20;
    if (!g_log->log->ensure_topic(topic).is_ok()) state.SkipWithError("topic");
  }
  const auto values = sample_values();
  std::vector<log::Record> records;
  for (const auto& v : values) records.push_back({1'790'000'000'000'000, "", v});
  for (auto _ : state) {
    auto r = g_log->log->append("bench", 0, records);
    if (!r.is_ok()) state.SkipWithError(r.status().message().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kEventBytes * kBatch));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  if (state.thread_index() == 0) {
    (void)g_log->log->close();
    std::filesystem::remove_all(g_log->dir);
    delete g_log;
    g_log = nullptr;
  }
}
BENCHMARK(BM_LogAppend)->ArgName("fsync_never_interval_always")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_LogAppend)
    ->ArgName("fsync_never_interval_always")
    ->Arg(2)
    ->Threads(1)
    ->Threads(8)
    ->UseRealTime();

// Reads partition 0 of "bench" from offset 0 to `end` in reads of 1 MiB; the records read.
int64_t read_partition(log::Log& log, int64_t end, int64_t max_wait_us, benchmark::State& state) {
  int64_t offset = 0, read = 0;
  while (offset < end) {
    auto r = log.read("bench", 0, offset, 1 << 20, max_wait_us);
    if (!r.is_ok()) {
      state.SkipWithError(r.status().message().c_str());
      break;
    }
    read += static_cast<int64_t>(r->records.size());
    offset = r->next_offset;
  }
  return read;
}

// Reading back what was appended: 100k events, in reads of 1 MiB (the pipeline's
// read_batch), records decoded from their batches.
void BM_LogRead(benchmark::State& state) {
  const std::string dir = bench_dir("read");
  log::EmbeddedLogOptions options;
  options.dir = dir;
  auto log = std::move(log::EmbeddedLog::open(options)).value();
  log::TopicConfig topic;
  topic.name = "bench";
  topic.codec = static_cast<log::Codec>(state.range(0));
  if (!log->ensure_topic(topic).is_ok()) state.SkipWithError("topic");
  const auto values = sample_values();
  std::vector<log::Record> records;
  for (const auto& v : values) records.push_back({1'790'000'000'000'000, "", v});
  constexpr int kAppends = 1000;
  for (int i = 0; i < kAppends; ++i) (void)log->append("bench", 0, records);
  for (auto _ : state)
    benchmark::DoNotOptimize(read_partition(*log, int64_t(kAppends * kBatch), 0, state));
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * kAppends * kBatch * kEventBytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kAppends * kBatch));
  (void)log->close();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LogRead)->ArgName("codec_none_zstd_lz4")->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

// Appends through the Kafka log: the idempotent producer, acks=all, each call
// waiting for its acknowledgements. Arg: concurrent appenders to one partition.
void BM_KafkaAppend(benchmark::State& state) {
  static testing::MockKafkaCluster* cluster = nullptr;
  static std::unique_ptr<log::KafkaLog> kafka;
  if (state.thread_index() == 0) {
    cluster = new testing::MockKafkaCluster(3);
    cluster->create_topic("bench", 1);
    log::KafkaLogOptions options;
    options.brokers = cluster->bootstrap();
    kafka = std::move(log::KafkaLog::open(options)).value();
  }
  const auto values = sample_values();
  std::vector<log::Record> records;
  for (const auto& v : values) records.push_back({1'790'000'000'000'000, "", v});
  for (auto _ : state) {
    auto r = kafka->append("bench", 0, records);
    if (!r.is_ok()) state.SkipWithError(r.status().message().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kEventBytes * kBatch));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  if (state.thread_index() == 0) {
    (void)kafka->close();
    kafka.reset();
    delete cluster;
    cluster = nullptr;
  }
}
BENCHMARK(BM_KafkaAppend)->Threads(1)->Threads(8)->UseRealTime();

// Reading 100k records back through the Kafka log's consumer, 1 MiB reads.
void BM_KafkaRead(benchmark::State& state) {
  testing::MockKafkaCluster cluster(3);
  cluster.create_topic("bench", 1);
  log::KafkaLogOptions options;
  options.brokers = cluster.bootstrap();
  auto kafka = std::move(log::KafkaLog::open(options)).value();
  const auto values = sample_values();
  std::vector<log::Record> records;
  for (const auto& v : values) records.push_back({1'790'000'000'000'000, "", v});
  constexpr int kAppends = 1000;
  for (int i = 0; i < kAppends; ++i) (void)kafka->append("bench", 0, records);
  for (auto _ : state)
    benchmark::DoNotOptimize(read_partition(*kafka, int64_t(kAppends * kBatch), 1'000'000, state));
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * kAppends * kBatch * kEventBytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kAppends * kBatch));
  (void)kafka->close();
}
BENCHMARK(BM_KafkaRead)->UseRealTime();

}  // namespace

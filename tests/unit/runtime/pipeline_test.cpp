#include "runtime/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <atomic>
#include <thread>

#include "support/pipeline_fixture.h"

namespace sluice::runtime {
namespace {

using testing::load_config;
using testing::read_ndjson_lines;
using testing::TempDir;

uint64_t events_out(const Pipeline& p, const std::string& name) {
  for (const auto& s : p.stats()) {
    if (s->name() == name) return s->snapshot().events_out;
  }
  ADD_FAILURE() << "no component " << name;
  return 0;
}

observe::StatsSnapshot snapshot(const Pipeline& p, const std::string& name) {
  for (const auto& s : p.stats()) {
    if (s->name() == name) return s->snapshot();
  }
  ADD_FAILURE() << "no component " << name;
  return {};
}

TEST(Pipeline, BoundedSourceRunsToTheEndAndEveryEventReachesTheSink) {
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 5000, batch_size: 128, seed: 3}
sinks:
  out: {type: file, inputs: [traffic], path: out}
)");
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline) << pipeline.status().message();
  ASSERT_TRUE((*pipeline)->run().is_ok());
  EXPECT_EQ(read_ndjson_lines(dir.path() + "/out").size(), 5000u);
  EXPECT_EQ(events_out(**pipeline, "out"), 5000u);
}

TEST(Pipeline, FanOutGivesEveryReaderEveryEvent) {
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 3000, seed: 1}
transforms:
  errors: {type: filter, inputs: [traffic], condition: .status >= 500}
sinks:
  all_a: {type: file, inputs: [traffic], path: a}
  all_b: {type: file, inputs: [traffic], path: b}
  errors_out: {type: file, inputs: [errors], path: errors}
)");
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline);
  ASSERT_TRUE((*pipeline)->run().is_ok());
  auto a = read_ndjson_lines(dir.path() + "/a");
  auto b = read_ndjson_lines(dir.path() + "/b");
  EXPECT_EQ(a.size(), 3000u);
  EXPECT_EQ(a, b);
  // The filter's output is exactly the events of `a` with a 5xx status.
  size_t expected_errors = 0;
  Arena arena;
  for (const std::string& line : a) {
    if (testing::parse_line(line, arena).find("status")->as_int() >= 500) ++expected_errors;
  }
  EXPECT_GT(expected_errors, 0u);
  EXPECT_EQ(read_ndjson_lines(dir.path() + "/errors").size(), expected_errors);
}

TEST(Pipeline, StopRequestDrainsInFlightEventsAndLosesNone) {
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, batch_size: 100}
sinks:
  out: {type: file, inputs: [traffic], path: out}
)");
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline);
  Pipeline& p = **pipeline;
  std::thread stopper([&p] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p.request_stop();
  });
  Status status = p.run();
  stopper.join();
  ASSERT_TRUE(status.is_ok()) << status.message();
  uint64_t produced = events_out(p, "traffic");
  EXPECT_GT(produced, 0u);
  // Everything the source appended is either written and committed, or still in
  // the log after the committed offset: nothing in flight was dropped.
  const size_t written = read_ndjson_lines(dir.path() + "/out").size();
  auto committed = p.log().committed("sluice", "traffic", 0);
  auto topics = p.log().topics();
  ASSERT_TRUE(committed && topics);
  EXPECT_EQ(static_cast<uint64_t>(*committed), written) << "a clean stop commits exactly what was written";
  EXPECT_EQ(static_cast<uint64_t>((*topics)[0].partitions[0].end_offset), produced);

  // The next run resumes at the commit and writes the rest, without duplicates.
  auto resumed_config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 1}
sinks:
  out: {type: file, inputs: [traffic], path: out}
)");
  auto resumed = Pipeline::build(resumed_config, Registry::builtin());
  ASSERT_TRUE(resumed);
  ASSERT_TRUE((*resumed)->run().is_ok());
  EXPECT_EQ(read_ndjson_lines(dir.path() + "/out").size(), produced + 1);
}

// The sum of `requests` over the windows written under `dir`.
int64_t windowed_requests(const std::string& dir) {
  int64_t total = 0;
  Arena arena;
  for (const std::string& line : read_ndjson_lines(dir)) total += testing::parse_line(line, arena).find("requests")->as_int();
  return total;
}

TEST(Pipeline, WindowsAreEmittedWhenBoundedInputEnds) {
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 5000, seed: 3, start_time: "2026-01-01T00:00:00Z"}
transforms:
  per_hour: {type: window, inputs: [traffic], size: 1h, key_fields: [service], aggregates: {requests: count()}}
sinks:
  out: {type: file, inputs: [per_hour], path: out}
)");
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline) << pipeline.status().message();
  ASSERT_TRUE((*pipeline)->run().is_ok());
  EXPECT_EQ(windowed_requests(dir.path() + "/out"), 5000) << "the open windows were emitted at the end of input";
}

TEST(Pipeline, StopCheckpointsOpenWindowsAndTheNextRunContinuesThem) {
  TempDir dir;
  const std::string transforms = R"(
transforms:
  per_hour: {type: window, inputs: [traffic], size: 1h, key_fields: [service], aggregates: {requests: count()}}
sinks:
  out: {type: file, inputs: [per_hour], path: out}
)";
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, batch_size: 100, interval: 1us, start_time: "2026-01-01T00:00:00Z"})" +
                            transforms);
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline);
  Pipeline& p = **pipeline;
  std::thread stopper([&p] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p.request_stop();
  });
  ASSERT_TRUE(p.run().is_ok());
  stopper.join();
  const uint64_t produced = events_out(p, "traffic");
  ASSERT_GT(produced, 0u);
  EXPECT_TRUE(read_ndjson_lines(dir.path() + "/out").empty()) << "a stop saves open windows instead of emitting them";
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/_checkpoints/sluice.checkpoint"));
  EXPECT_EQ(static_cast<uint64_t>(*p.log().committed("sluice", "traffic", 0)), snapshot(p, "per_hour").events_in)
      << "everything the window read is in the saved state, so all of it is committed";

  // The next run reads what the first appended but did not read, one more event in
  // the same hour, then the input ends: the windows hold every event once.
  auto resumed_config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 1, start_time: "2026-01-01T00:00:00Z"})" +
                                    transforms);
  auto resumed = Pipeline::build(resumed_config, Registry::builtin());
  ASSERT_TRUE(resumed) << resumed.status().message();
  ASSERT_TRUE((*resumed)->run().is_ok());
  EXPECT_EQ(windowed_requests(dir.path() + "/out"), static_cast<int64_t>(produced + 1));
}

TEST(Pipeline, DeadLettersCarryTheOriginalEventAndTheReason) {
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 500, seed: 9}
transforms:
  parse:
    type: remap
    inputs: [traffic]
    set:
      stage: '"parsed"'
      service_number: to_int(.service)
sinks:
  good: {type: file, inputs: [parse], path: good}
  bad: {type: file, inputs: [parse.dead_letter], path: bad}
)");
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline);
  ASSERT_TRUE((*pipeline)->run().is_ok());
  EXPECT_TRUE(read_ndjson_lines(dir.path() + "/good").empty());
  auto bad = read_ndjson_lines(dir.path() + "/bad");
  ASSERT_EQ(bad.size(), 500u);
  Arena arena;
  Value dead = testing::parse_line(bad[0], arena);
  EXPECT_EQ(dead.find("component")->as_string(), "parse");
  EXPECT_NE(dead.find("reason")->as_string().find("set .service_number"), std::string_view::npos)
      << dead.find("reason")->as_string();
  const Value* original = dead.find("event");
  ASSERT_NE(original, nullptr);
  EXPECT_NE(original->find("service"), nullptr);
  // The original, not the half-remapped event: the first assignment is not in it.
  EXPECT_EQ(original->find("stage"), nullptr);
  EXPECT_EQ(snapshot(**pipeline, "parse").dead_lettered, 500u);
}

TEST(Pipeline, UnreadDeadLettersAreCountedNotSilentlyLost) {
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 200}
transforms:
  parse: {type: remap, inputs: [traffic], set: {n: to_int(.service)}}
sinks:
  good: {type: blackhole, inputs: [parse]}
)");
  auto pipeline = Pipeline::build(config, Registry::builtin());
  ASSERT_TRUE(pipeline);
  ASSERT_TRUE((*pipeline)->run().is_ok());
  auto s = snapshot(**pipeline, "parse");
  EXPECT_EQ(s.dead_lettered, 200u);
  EXPECT_EQ(s.discarded, 200u);
}

// A sink that fails its first `failures` writes, to prove retries lose nothing.
class FlakySink final : public sink::Sink {
 public:
  FlakySink(int failures, std::atomic<uint64_t>* written) : failures_(failures), written_(written) {}
  Status write(const Batch& batch) override {
    if (failures_ > 0) {
      --failures_;
      return Status::unavailable("flaky sink refuses");
    }
    *written_ += batch.size();
    return Status::ok();
  }
  Status flush() override { return Status::ok(); }

 private:
  int failures_;
  std::atomic<uint64_t>* written_;
};

// The built-in registry plus a sink type `type` that fails its first `failures`
// writes and counts what it wrote into *written.
Registry registry_with_flaky_sink(const std::string& type, int failures, std::atomic<uint64_t>* written) {
  Registry registry = Registry::builtin();
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = type;
  registry.add(sink::SinkType{spec, [failures, written](const BuildContext&) -> Result<std::unique_ptr<sink::Sink>> {
                                return std::unique_ptr<sink::Sink>(std::make_unique<FlakySink>(failures, written));
                              }});
  return registry;
}

TEST(Pipeline, FailingSinkWritesAreRetriedUntilTheySucceed) {
  static std::atomic<uint64_t> written{0};
  Registry registry = registry_with_flaky_sink("flaky", 3, &written);
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 1000, batch_size: 100}
sinks:
  out: {type: flaky, inputs: [traffic]}
)",
                            registry);
  auto pipeline = Pipeline::build(config, registry);
  ASSERT_TRUE(pipeline);
  ASSERT_TRUE((*pipeline)->run().is_ok());
  EXPECT_EQ(written.load(), 1000u);
  EXPECT_EQ(snapshot(**pipeline, "out").errors, 3u);
}

TEST(Pipeline, SinkThatNeverRecoversFailsTheRunAfterTheShutdownTimeout) {
  static std::atomic<uint64_t> written{0};
  Registry registry = registry_with_flaky_sink("dead", 1 << 30, &written);
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 10}
sinks:
  out: {type: dead, inputs: [traffic]}
)",
                            registry);
  RunOptions options;
  options.shutdown_timeout_us = 300'000;
  auto pipeline = Pipeline::build(config, registry, options);
  ASSERT_TRUE(pipeline);
  Status status = (*pipeline)->run();
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("sink \"out\""), std::string::npos) << status.message();
  EXPECT_EQ(written.load(), 0u);
  // Nothing was written, so nothing was committed: the next run gets all 10 events again.
  EXPECT_EQ(*(*pipeline)->log().committed("sluice", "traffic", 0), 0);
  EXPECT_EQ((*(*pipeline)->log().topics())[0].partitions[0].end_offset, 10);
}

TEST(Pipeline, StatusCountsUncommittedPartitionsWhollyAsBacklog) {
  static std::atomic<uint64_t> written{0};
  Registry registry = registry_with_flaky_sink("stuck", 1 << 30, &written);
  TempDir dir;
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 40, partitions: 2}
sinks:
  out: {type: stuck, inputs: [traffic]}
)",
                            registry);
  RunOptions options;
  options.shutdown_timeout_us = 200'000;
  auto pipeline = Pipeline::build(config, registry, options);
  ASSERT_TRUE(pipeline);
  Pipeline& p = **pipeline;
  std::thread runner([&] { (void)p.run(); });
  // Nothing is ever committed, yet every appended record is backlog of the pipeline's group.
  int64_t lag = 0;
  size_t partitions = 0;
  for (int i = 0; i < 200 && lag < 40; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const observe::PipelineStatus st = p.status();
    lag = 0;
    partitions = 0;
    for (const observe::BacklogStatus& b : st.backlog) {
      if (b.group != "sluice") continue;
      lag += b.lag();
      ++partitions;
    }
  }
  p.request_stop();
  runner.join();
  EXPECT_EQ(lag, 40);
  EXPECT_EQ(partitions, 2u);
}

}  // namespace
}  // namespace sluice::runtime

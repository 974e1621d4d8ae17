// The kafka source against librdkafka's mock brokers: what it commits when the log
// refuses a batch, and where partitions begin with `start: latest` when they move
// between the instances of a group.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "log/kafka_client.h"
#include "runtime/registry.h"
#include "source/source.h"
#include "support/mock_kafka_cluster.h"
#include "support/pipeline_fixture.h"

namespace sluice::source {
namespace {

using testing::MockKafkaCluster;

// Takes every batch (recording its events' .n) unless told to refuse; stops once `stop`
// is set or after 120 s, so a test that goes wrong ends by itself.
class RecordingContext final : public SourceContext {
 public:
  std::atomic<bool> refuse_io_error{false};  // a log that cannot write
  std::atomic<bool> refuse_full{false};      // a log over its disk bound (waited out)
  std::atomic<bool> stop{false};

  Status append(Batch& batch) override {
    if (refuse_io_error.load()) return Status::io_error("log: cannot write segment 00042.log");
    // A log whose records are too small for an event with a field "big" (Kafka's
    // message.max.bytes).
    for (const Event& e : batch.events) {
      if (e.fields.find("big") != nullptr)
        return Status::too_large("log: a record is larger than message.max.bytes allows");
    }
    if (refuse_full.load()) return Status::exhausted("log: over its disk limit");
    std::lock_guard lock(mutex_);
    for (const Event& e : batch.events) numbers_.push_back(e.fields.find("n")->as_int());
    return Status::ok();
  }
  bool stopping() const override {
    return stop.load() || std::chrono::steady_clock::now() - started_ > std::chrono::seconds(120);
  }
  bool sleep_until_us(int64_t deadline_us) override {
    while (steady_now_us() < deadline_us && !stopping())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return !stopping();
  }
  std::vector<int64_t> numbers() const {
    std::lock_guard lock(mutex_);
    return numbers_;
  }
  // How many of the events taken have .n in [from, to).
  size_t taken(int64_t from, int64_t to) const {
    std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(numbers_.begin(), numbers_.end(),
                                             [&](int64_t n) { return n >= from && n < to; }));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<int64_t> numbers_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// A source "k" of group "g" on topic "in", built like the pipeline builds it.
struct KafkaSourceUnderTest {
  // `properties`: more librdkafka properties, each `, "name": "value"`.
  // `options`: more option lines of the source, each indented by four spaces.
  KafkaSourceUnderTest(const MockKafkaCluster& cluster, const std::string& start,
                       const std::string& properties = "", const std::string& options = "")
      : config(testing::load_config(
            "sources:\n  k:\n    type: kafka\n    brokers: " + cluster.bootstrap() +
            "\n    topics: [in]\n    group: g\n    start: " + start +
            "\n    linger: 10ms\n    properties: {log_level: \"2\", session.timeout.ms: "
            "\"6000\", heartbeat.interval.ms: \"500\"" +
            properties + "}\n" + options + "sinks:\n  out: {type: blackhole, inputs: [k]}\n")),
        stats("k", ComponentKind::kSource, "kafka") {
    BuildContext ctx{*config.find("k"), config, stats};
    auto made = runtime::Registry::builtin().source("kafka")->make(ctx);
    EXPECT_TRUE(made) << made.status().message();
    if (made) source = std::move(*made);
  }
  PipelineConfig config;
  observe::ComponentStats stats;
  std::unique_ptr<Source> source;
};

// Produces each of `values` as a message to `partition` of topic "in".
void produce_values(const MockKafkaCluster& cluster, int32_t partition,
                    const std::vector<std::string>& values) {
  log::KafkaClientSettings settings{cluster.bootstrap(), {{"log_level", "2"}}, {}, "test producer"};
  auto producer = log::make_kafka_client(RD_KAFKA_PRODUCER, settings, nullptr, nullptr);
  ASSERT_TRUE(producer) << producer.status().message();
  for (const std::string& value : values) {
    ASSERT_EQ(
        rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC("in"), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
        RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer->get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
}

// Produces {"n": from} … {"n": to - 1} to `partition` of topic "in".
void produce(const MockKafkaCluster& cluster, int32_t partition, int from, int to) {
  std::vector<std::string> values;
  for (int n = from; n < to; ++n) values.push_back(R"({"n":)" + std::to_string(n) + "}");
  produce_values(cluster, partition, values);
}

// Runs `source` on a thread of its own until `ctx` stops it.
struct Running {
  Running(Source& source, RecordingContext& ctx)
      : ctx_(ctx), thread_([&] { result = source.run(ctx); }) {}
  ~Running() { stop(); }
  void stop() {
    ctx_.stop = true;
    if (thread_.joinable()) thread_.join();
  }
  Status result;

 private:
  RecordingContext& ctx_;
  std::thread thread_;
};

bool wait_until(const std::function<bool()>& done, int seconds = 20) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST(KafkaSource, ABatchTheLogRefusesFailsTheSourceAndIsNotCommitted) {
  MockKafkaCluster cluster;
  cluster.create_topic("in", 1);
  produce(cluster, 0, 0, 100);
  {
    KafkaSourceUnderTest refused(cluster, "committed");
    ASSERT_TRUE(refused.source);
    RecordingContext ctx;
    ctx.refuse_io_error = true;
    // Fails by itself: nothing stops it.
    Status s = refused.source->run(ctx);
    EXPECT_EQ(s.code(), StatusCode::kIoError);
    EXPECT_NE(s.message().find("cannot write segment 00042.log"), std::string::npos) << s.message();
  }
  // The next run of the group gets every message again: none was committed past.
  KafkaSourceUnderTest next(cluster, "committed");
  ASSERT_TRUE(next.source);
  RecordingContext ctx;
  Running run(*next.source, ctx);
  EXPECT_TRUE(wait_until([&] { return ctx.numbers().size() >= 100; }));
  run.stop();
  EXPECT_TRUE(run.result.is_ok()) << run.result.message();
  std::vector<int64_t> got = ctx.numbers();
  ASSERT_EQ(got.size(), 100u);
  for (int64_t n = 0; n < 100; ++n) EXPECT_EQ(got[n], n);
}

TEST(KafkaSource, AnNdjsonLineThatIsNotAnEventIsCountedAndTheMessagesOtherLinesKept) {
  MockKafkaCluster cluster;
  cluster.create_topic("in", 1);
  produce_values(
      cluster, 0,
      {"{\"n\":1}\n{bad\n{\"n\":2}\n", "{\"n\":3,\"at\":\"yesterday\"}\n{\"n\":4}", "{\"n\":5}"});
  KafkaSourceUnderTest source(
      cluster, "committed", "",
      "    format: ndjson\n    time_field: .at\n    time_format: rfc3339\n");
  ASSERT_TRUE(source.source);
  RecordingContext ctx;
  Running run(*source.source, ctx);
  EXPECT_TRUE(wait_until([&] { return ctx.numbers().size() >= 4; }));
  run.stop();
  EXPECT_EQ(ctx.numbers(), (std::vector<int64_t>{1, 2, 4, 5}));
  // The line that is not JSON and the event whose time does not parse.
  EXPECT_EQ(source.stats.snapshot().errors, 2u);
}

TEST(KafkaSource, AnEventTooLargeForTheLogIsCountedAndLeftOutAndTheRestAppendedAndCommitted) {
  MockKafkaCluster cluster;
  cluster.create_topic("in", 1);
  produce_values(cluster, 0, {R"({"n":1})", R"({"n":2,"big":"x"})", R"({"n":3})"});
  {
    KafkaSourceUnderTest source(cluster, "committed");
    ASSERT_TRUE(source.source);
    RecordingContext ctx;
    Running run(*source.source, ctx);
    EXPECT_TRUE(wait_until([&] { return ctx.numbers().size() >= 2; }));
    // Committed past it: give the commit a moment, then stop.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    run.stop();
    EXPECT_TRUE(run.result.is_ok()) << run.result.message();
    EXPECT_EQ(ctx.numbers(), (std::vector<int64_t>{1, 3}));
    EXPECT_EQ(source.stats.snapshot().errors, 1u);
    EXPECT_EQ(source.stats.snapshot().events_out, 2u);
  }
  // The next run goes on after the batch: it was committed.
  produce_values(cluster, 0, {R"({"n":4})"});
  KafkaSourceUnderTest next(cluster, "committed");
  RecordingContext ctx;
  Running run(*next.source, ctx);
  EXPECT_TRUE(wait_until([&] { return !ctx.numbers().empty(); }));
  run.stop();
  EXPECT_EQ(ctx.numbers(), (std::vector<int64_t>{4}));
}

// Two instances with start: latest (and `properties`) split two partitions; the second
// leaves with messages of its partition read but not appended. The first must take them
// from the group's commit. Partition p gets .n from p * 1000 up.
void a_partition_that_moves_in_later_continues_from_the_commit(const std::string& properties) {
  MockKafkaCluster cluster;
  cluster.create_topic("in", 2);
  produce(cluster, 0, 0, 10);  // before either instance: skipped by start: latest
  produce(cluster, 1, 1000, 1010);
  KafkaSourceUnderTest first(cluster, "latest", properties);
  KafkaSourceUnderTest second(cluster, "latest", properties);
  ASSERT_TRUE(first.source && second.source);
  RecordingContext first_ctx, second_ctx;
  Running first_run(*first.source, first_ctx);
  Running second_run(*second.source, second_ctx);
  // Probe i goes to both partitions (.n = i and 1000 + i) until the two probes of one
  // round are taken by different instances: the group split the partitions. (Probes
  // sent before an instance found a partition's end are skipped: start: latest.)
  int32_t moved = -1;  // the partition of the second instance
  for (int i = 10; i < 100 && moved < 0; ++i) {
    produce(cluster, 0, i, i + 1);
    produce(cluster, 1, 1000 + i, 1000 + i + 1);
    wait_until(
        [&] {
          return first_ctx.taken(i, i + 1) + second_ctx.taken(i, i + 1) != 0 &&
                 first_ctx.taken(1000 + i, 1001 + i) + second_ctx.taken(1000 + i, 1001 + i) != 0;
        },
        1);
    if (second_ctx.taken(i, i + 1) != 0 && first_ctx.taken(1000 + i, 1001 + i) != 0) moved = 0;
    if (second_ctx.taken(1000 + i, 1001 + i) != 0 && first_ctx.taken(i, i + 1) != 0) moved = 1;
  }
  ASSERT_GE(moved, 0) << "the group did not split the two partitions between the instances";
  // Taken (so committed) by the second instance: the group has a commit for its partition.
  const int64_t base = moved * 1000;
  // The second instance now reads its share but cannot get it appended: nothing more of
  // its partition is committed. Then it leaves, and its partition moves to the first,
  // which must read those messages from the group's commit, not skip to the end.
  second_ctx.refuse_full = true;
  produce(cluster, moved, static_cast<int>(base) + 500, static_cast<int>(base) + 520);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  second_run.stop();
  EXPECT_TRUE(second_run.result.is_ok()) << second_run.result.message();
  EXPECT_TRUE(wait_until([&] { return first_ctx.taken(base + 500, base + 520) >= 20; }, 30))
      << "the first instance took " << first_ctx.taken(base + 500, base + 520)
      << " of the 20 messages left in the partition it got: it skipped to the end";
  first_run.stop();
  EXPECT_EQ(second_ctx.taken(base + 500, base + 520), 0u);
  EXPECT_EQ(first_ctx.taken(base + 500, base + 520), 20u);
  // start: latest: what was there before either instance started was read by neither.
  EXPECT_EQ(first_ctx.taken(0, 10) + first_ctx.taken(1000, 1010) + second_ctx.taken(0, 10) +
                second_ctx.taken(1000, 1010),
            0u);
}

TEST(KafkaSource, WithStartLatestAPartitionThatMovesInLaterContinuesFromTheGroupsCommit) {
  a_partition_that_moves_in_later_continues_from_the_commit("");
}

TEST(KafkaSource, ACooperativeAssignorMovesPartitionsTheSameWay) {
  a_partition_that_moves_in_later_continues_from_the_commit(
      R"(, "partition.assignment.strategy": "cooperative-sticky")");
}

}  // namespace
}  // namespace sluice::source

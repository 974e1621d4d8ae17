#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "log/kafka_log.h"
#include "sink/kafka/progress.h"
#include "support/mock_kafka_cluster.h"
#include "support/sink_fixture.h"

namespace sluice::sink {
namespace {

using testing::batch_of;
using testing::MockKafkaCluster;
using testing::TempDir;

// A kafka sink "shipped" writing topic "out" of `cluster`, with more option lines.
struct KafkaSinkUnderTest : testing::SinkUnderTest {
  // `properties`: more librdkafka properties, each `, name: "value"`.
  KafkaSinkUnderTest(const std::string& dir, const MockKafkaCluster& cluster,
                     const std::string& options, const std::string& properties = "")
      : SinkUnderTest(dir, "kafka", "shipped",
                      "    brokers: " + cluster.bootstrap() +
                          "\n    topic: out\n    timeout: 10s\n    properties: {log_level: "
                          "\"2\"" +
                          properties + "}\n" + options) {}
};

// Every message of every partition of `topic`: (key, value) in partition order.
std::vector<std::pair<std::string, std::string>> messages(const MockKafkaCluster& cluster,
                                                          const std::string& topic,
                                                          int32_t partitions) {
  log::KafkaLogOptions options;
  options.brokers = cluster.bootstrap();
  options.group = "reader";
  options.properties = {{"log_level", "2"}};
  auto reader = log::KafkaLog::open(std::move(options));
  EXPECT_TRUE(reader) << reader.status().message();
  std::vector<std::pair<std::string, std::string>> out;
  if (!reader) return out;
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t offset = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      auto r = (*reader)->read(topic, p, offset, 1 << 20, 0);
      EXPECT_TRUE(r) << r.status().message();
      if (!r || r->next_offset == offset) break;
      for (const auto& record : r->records)
        out.emplace_back(std::string(record.key), std::string(record.value));
      offset = r->next_offset;
    }
  }
  (void)(*reader)->close();
  return out;
}

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> objects;
  for (int i = from; i < to; ++i) objects.push_back(R"({"n":)" + std::to_string(i) + "}");
  return objects;
}

// How many messages carry each value.
std::map<std::string, int> value_counts(const std::vector<std::pair<std::string, std::string>>& m) {
  std::map<std::string, int> counts;
  for (const auto& [key, value] : m) ++counts[value];
  return counts;
}

// Brokers with the sink's topic (2 partitions) and its progress topic.
class KafkaSinkTest : public ::testing::Test {
 protected:
  KafkaSinkTest() {
    cluster.create_topic("out", 2);
    cluster.create_topic("out.sluice-progress", 1);
  }
  // A sink with `transactional_id: <id>`.
  KafkaSinkUnderTest transactional(const std::string& id) {
    return KafkaSinkUnderTest(dir.path(), cluster, "    transactional_id: " + id + "\n");
  }
  std::map<std::string, int> counts() { return value_counts(messages(cluster, "out", 2)); }

  TempDir dir;
  MockKafkaCluster cluster;
};

TEST(KafkaSinkProgress, KeysAndValuesReadBackAsWritten) {
  using kafka::parse_progress_key;
  EXPECT_EQ(kafka::progress_key("shipped", {"orders", 3}), "shipped/orders/3");
  EXPECT_EQ(parse_progress_key("shipped/orders/3", "shipped"),
            (kafka::SourcePartition{"orders", 3}));
  EXPECT_EQ(parse_progress_key("shipped/a/b/12", "shipped"), (kafka::SourcePartition{"a/b", 12}));
  EXPECT_FALSE(parse_progress_key("shipped2/orders/3", "shipped"));  // another sink's
  EXPECT_FALSE(parse_progress_key("other/orders/3", "shipped"));
  EXPECT_FALSE(parse_progress_key("shipped/orders/x", "shipped"));
  EXPECT_FALSE(parse_progress_key("shipped/orders/-1", "shipped"));
  EXPECT_FALSE(parse_progress_key("shipped//3", "shipped"));
  EXPECT_FALSE(parse_progress_key("shipped/3", "shipped"));
  EXPECT_EQ(kafka::parse_progress_value(kafka::progress_value(1234567890123)), 1234567890123);
  EXPECT_FALSE(kafka::parse_progress_value("12a"));
  EXPECT_FALSE(kafka::parse_progress_value(""));
  EXPECT_FALSE(kafka::parse_progress_value("-5"));
}

TEST_F(KafkaSinkTest, TransactionsCarryTheMessagesAndTheProgressOfTheirPartition) {
  auto s = transactional("shipped-1");
  ASSERT_TRUE(s.sink);
  ASSERT_TRUE(s.sink->write(batch_of(numbered(0, 3), 0)).is_ok());
  ASSERT_TRUE(s.sink->write(batch_of(numbered(3, 5), 3)).is_ok());
  ASSERT_TRUE(s.sink->write(batch_of(numbered(0, 4), 10, 1)).is_ok());
  // Results of a window come from no log record: written, with no progress.
  ASSERT_TRUE(s.sink->write(batch_of({R"({"window":1})"}, -1)).is_ok());
  ASSERT_TRUE(s.sink->close().is_ok());

  EXPECT_EQ(messages(cluster, "out", 2).size(), 10u);
  EXPECT_EQ(messages(cluster, "out.sluice-progress", 1),
            (std::vector<std::pair<std::string, std::string>>{
                {"shipped/in/0", "3"}, {"shipped/in/0", "5"}, {"shipped/in/1", "14"}}));
  EXPECT_EQ(s.stats.snapshot().events_out, 10u);
  EXPECT_EQ(s.stats.snapshot().already_written, 0u);
}

TEST_F(KafkaSinkTest, AfterARestartAReplayedEventIsNotWrittenAgain) {
  {
    auto first = transactional("shipped-1");
    ASSERT_TRUE(first.sink->write(batch_of(numbered(0, 10), 0)).is_ok());
    ASSERT_TRUE(first.sink->write(batch_of(numbered(100, 105), 0, 1)).is_ok());
  }  // gone before the log committed any of it: the restart reads it all again
  auto again = transactional("shipped-1");
  // The replay of partition 0 runs past what Kafka has; partition 1's is all there.
  ASSERT_TRUE(again.sink->write(batch_of(numbered(5, 15), 5)).is_ok());
  ASSERT_TRUE(again.sink->write(batch_of(numbered(100, 105), 0, 1)).is_ok());
  ASSERT_TRUE(again.sink->write(batch_of(numbered(15, 17), 15)).is_ok());
  ASSERT_TRUE(again.sink->close().is_ok());

  EXPECT_EQ(counts().size(), 22u);  // n 0..16 and 100..104
  for (const auto& [value, count] : counts()) EXPECT_EQ(count, 1) << value;
  EXPECT_EQ(again.stats.snapshot().already_written, 10u);  // 5..9 and 100..104
  EXPECT_EQ(again.stats.snapshot().events_out, 7u);        // 10..16
}

// The mock brokers give each producer of a transactional id a new producer id
// without fencing the one before, and keep aborted messages visible: this checks
// the sink's side, that a failed commit is reported and the retry succeeds.
TEST_F(KafkaSinkTest, ACommitTheBrokersRefuseFailsTheWriteAndTheRetryWritesTheBatch) {
  auto s = transactional("shipped-1");
  ASSERT_TRUE(s.sink->write(batch_of(numbered(0, 2), 0)).is_ok());
  cluster.fail_requests(26 /* EndTxn */, 1, RD_KAFKA_RESP_ERR_INVALID_TXN_STATE);
  const Status refused = s.sink->write(batch_of(numbered(2, 5), 2));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.message().find("transaction commit"), std::string::npos) << refused.message();
  Status retried;
  for (int attempt = 0; attempt < 5; ++attempt) {
    retried = s.sink->write(batch_of(numbered(2, 5), 2));
    if (retried.is_ok()) break;
  }
  ASSERT_TRUE(retried.is_ok()) << retried.message();
  ASSERT_TRUE(s.sink->close().is_ok());
  const auto progress = messages(cluster, "out.sluice-progress", 1);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), (std::pair<std::string, std::string>{"shipped/in/0", "5"}));
  EXPECT_EQ(counts().size(), 5u);  // every event is there (the aborted try too, on the mock)
}

TEST_F(KafkaSinkTest, APartitionWrittenMeanwhileByAnotherInstanceIsReadAgain) {
  // Two instances of one pipeline, each with its own id, sharing the progress.
  auto mine = transactional("instance-1");
  auto theirs = transactional("instance-2");
  ASSERT_TRUE(mine.sink->write(batch_of(numbered(100, 102), 0, 1)).is_ok());
  ASSERT_TRUE(theirs.sink->write(batch_of(numbered(0, 10), 0)).is_ok());
  // `theirs` dies; partition 0 comes to `mine` after the group's session timeout
  // (over 5 s), from the last offset the log committed for it.
  std::this_thread::sleep_for(std::chrono::milliseconds(5200));
  ASSERT_TRUE(mine.sink->write(batch_of(numbered(0, 12), 0)).is_ok());
  ASSERT_TRUE(mine.sink->close().is_ok());
  EXPECT_EQ(counts().size(), 14u);
  for (const auto& [value, count] : counts()) EXPECT_EQ(count, 1) << value;
  EXPECT_EQ(mine.stats.snapshot().already_written, 10u);
}

TEST_F(KafkaSinkTest, AProducerThatFailedForGoodIsReplacedAndTheBatchWritten) {
  KafkaSinkUnderTest s(dir.path(), cluster, "");
  ASSERT_TRUE(s.sink->write(batch_of(numbered(0, 2), 0)).is_ok());
  // The head-of-line request refused as out of sequence: librdkafka's idempotent producer
  // can no longer vouch for ordering or once-ness and fails for good.
  cluster.fail_requests(0 /* Produce */, 1, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
  const Status refused = s.sink->write(batch_of(numbered(2, 3), 2));
  ASSERT_FALSE(refused.is_ok());
  Status retried = Status::internal("not tried");
  for (int attempt = 0; attempt < 5 && !retried.is_ok(); ++attempt)
    retried = s.sink->write(batch_of(numbered(2, 5), 2));
  ASSERT_TRUE(retried.is_ok()) << "the sink kept its failed producer: " << retried.message();
  ASSERT_TRUE(s.sink->close().is_ok());
  const auto written = counts();
  for (int n = 0; n < 5; ++n) {
    const auto it = written.find(R"({"n":)" + std::to_string(n) + "}");
    EXPECT_TRUE(it != written.end()) << n << " of " << written.size();
  }
}

TEST_F(KafkaSinkTest, AnEventTooLargeToSendIsCountedAndTheRestOfTheBatchWritten) {
  KafkaSinkUnderTest s(dir.path(), cluster, "", R"(, message.max.bytes: "1000")");
  std::vector<std::string> events = numbered(0, 3);
  events.insert(events.begin() + 1, R"({"n":99,"pad":")" + std::string(2000, 'x') + R"("})");
  ASSERT_TRUE(s.sink->write(batch_of(events, 0)).is_ok());
  ASSERT_TRUE(s.sink->close().is_ok());
  EXPECT_EQ(counts(),
            (std::map<std::string, int>{{R"({"n":0})", 1}, {R"({"n":1})", 1}, {R"({"n":2})", 1}}));
  EXPECT_EQ(s.stats.snapshot().errors, 1u);
}

TEST_F(KafkaSinkTest, AKeyThatFailsIsCountedOnceThoughItsBatchIsRetried) {
  KafkaSinkUnderTest s(dir.path(), cluster, "    key: .n / .d\n");
  const std::vector<std::string> events = {R"({"n":1,"d":0})", R"({"n":2,"d":1})"};
  cluster.fail_requests(0 /* Produce */, 1, RD_KAFKA_RESP_ERR_INVALID_RECORD);
  ASSERT_FALSE(s.sink->write(batch_of(events, 0)).is_ok());
  Status retried = Status::internal("not tried");
  for (int attempt = 0; attempt < 5 && !retried.is_ok(); ++attempt)
    retried = s.sink->write(batch_of(events, 0));
  ASSERT_TRUE(retried.is_ok()) << retried.message();
  EXPECT_EQ(s.stats.snapshot().errors, 1u);  // the division by zero, sent without a key
}

TEST(KafkaSink, AMissingProgressTopicIsAnErrorThatSaysHowToCreateIt) {
  TempDir dir;
  MockKafkaCluster cluster;
  cluster.create_topic("out", 1);
  KafkaSinkUnderTest s(dir.path(), cluster, "    transactional_id: shipped-1\n");
  const Status status = s.sink->write(batch_of(numbered(0, 1), 0));
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("progress topic \"out.sluice-progress\" does not exist"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("cleanup.policy=compact"), std::string::npos);
  EXPECT_TRUE(messages(cluster, "out", 1).empty());
}

}  // namespace
}  // namespace sluice::sink

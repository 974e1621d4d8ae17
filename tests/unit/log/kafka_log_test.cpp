// The Log interface over Kafka, against librdkafka's mock brokers: the same
// contract as the embedded log (offsets, reads, commits, topics, lag) and what a
// cluster adds (brokers down, failed requests, topics that already exist).
#include "log/kafka_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "log/log_test_util.h"
#include "support/mock_kafka_cluster.h"

namespace sluice::log {
namespace {

using sluice::testing::MockKafkaCluster;
using testing::append_numbered;
using testing::read_all;
using testing::topic;

std::unique_ptr<KafkaLog> open_kafka(const MockKafkaCluster& cluster,
                                     int64_t timeout_us = 10'000'000,
                                     const KafkaProperties& more = {}) {
  KafkaLogOptions options;
  options.brokers = cluster.bootstrap();
  options.group = "pipeline";
  options.timeout_us = timeout_us;
  // The mock's reconnect chatter stays out of test output; a broker back up is found quickly.
  options.properties = {{"log_level", "2"}, {"reconnect.backoff.max.ms", "200"}};
  options.properties.insert(options.properties.end(), more.begin(), more.end());
  auto log = KafkaLog::open(std::move(options));
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  return std::move(log).value();
}

TEST(KafkaLog, AppendsGetConsecutiveOffsetsAndReadBackInOrder) {
  MockKafkaCluster cluster;
  cluster.create_topic("events", 3);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(log->ensure_topic(topic("events", 3)).is_ok());

  auto first = append_numbered(*log, "events", 1, 0, 100);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_EQ(first->first_offset, 0);
  EXPECT_EQ(first->last_offset, 99);
  auto second = append_numbered(*log, "events", 1, 100, 50);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->first_offset, 100);
  EXPECT_EQ(second->last_offset, 149);

  const auto all = read_all(*log, "events", 1);
  ASSERT_EQ(all.values.size(), 150u);
  for (int i = 0; i < 150; ++i) {
    EXPECT_EQ(all.values[i], "v" + std::to_string(i));
    EXPECT_EQ(all.offsets[i], i);
  }
  EXPECT_TRUE(read_all(*log, "events", 0).values.empty());
  // A read from the middle continues there.
  EXPECT_EQ(read_all(*log, "events", 1, 120).values.front(), "v120");
}

TEST(KafkaLog, KeysAndMillisecondTimestampsSurvive) {
  MockKafkaCluster cluster;
  cluster.create_topic("keyed", 1);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(log->ensure_topic(topic("keyed", 1)).is_ok());
  const std::vector<Record> records = {{1'700'000'000'123'000, "k1", "one"},
                                       {1'700'000'000'124'000, "", "two"}};
  ASSERT_TRUE(log->append("keyed", 0, records).is_ok());
  // The producer may have sent the two in separate message sets, and the mock brokers
  // answer a fetch with one: read until both are in (bounded).
  std::vector<ReadResult> reads;
  int64_t next = 0;
  size_t count = 0;
  for (int attempt = 0; attempt < 10 && count < 2; ++attempt) {
    auto read = log->read("keyed", 0, next, 1 << 20, 2'000'000);
    ASSERT_TRUE(read.is_ok()) << read.status().message();
    next = read->next_offset;
    count += read->records.size();
    reads.push_back(std::move(read).value());
  }
  std::vector<const ReadRecord*> got;
  for (const auto& r : reads)
    for (const auto& record : r.records) got.push_back(&record);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->key, "k1");
  EXPECT_EQ(got[0]->value, "one");
  EXPECT_EQ(got[0]->timestamp_us, 1'700'000'000'123'000);
  EXPECT_EQ(got[1]->key, "");
  EXPECT_EQ(got[1]->value, "two");
  EXPECT_EQ(got[1]->timestamp_us, 1'700'000'000'124'000);
  EXPECT_EQ(next, 2);
}

TEST(KafkaLog, ConcurrentAppendsToOnePartitionEachStayConsecutive) {
  MockKafkaCluster cluster;
  cluster.create_topic("busy", 1);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(log->ensure_topic(topic("busy", 1)).is_ok());
  std::vector<std::thread> threads;
  std::vector<std::vector<AppendResult>> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = append_numbered(*log, "busy", 0, t * 1000 + i * 10, 10);
        ASSERT_TRUE(r.is_ok()) << r.status().message();
        results[t].push_back(*r);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> offsets;
  for (const auto& per_thread : results) {
    for (const AppendResult& r : per_thread) {
      EXPECT_EQ(r.last_offset - r.first_offset, 9);
      for (int64_t o = r.first_offset; o <= r.last_offset; ++o)
        EXPECT_TRUE(offsets.insert(o).second) << o;
    }
  }
  EXPECT_EQ(offsets.size(), 1000u);
  EXPECT_EQ(read_all(*log, "busy", 0).values.size(), 1000u);
}

TEST(KafkaLog, CommittedOffsetsAreKafkaGroupOffsetsAndOutliveTheClient) {
  MockKafkaCluster cluster;
  cluster.create_topic("orders", 2);
  {
    auto log = open_kafka(cluster);
    ASSERT_TRUE(log->ensure_topic(topic("orders", 2)).is_ok());
    ASSERT_TRUE(append_numbered(*log, "orders", 0, 0, 80).is_ok());
    auto before = log->committed("pipeline", "orders", 0);
    ASSERT_TRUE(before.is_ok()) << before.status().message();
    EXPECT_EQ(*before, 0);  // no commit yet: the partition's start
    const std::vector<std::pair<int32_t, int64_t>> offsets = {{0, 50}};
    ASSERT_TRUE(log->commit("pipeline", "orders", offsets).is_ok());
    ASSERT_TRUE(log->close().is_ok());
    ASSERT_TRUE(log->close().is_ok());  // idempotent
  }
  auto log = open_kafka(cluster);  // a restarted instance
  auto after = log->committed("pipeline", "orders", 0);
  ASSERT_TRUE(after.is_ok()) << after.status().message();
  EXPECT_EQ(*after, 50);
  auto groups = log->group_offsets("");
  ASSERT_TRUE(groups.is_ok()) << groups.status().message();
  ASSERT_EQ(groups->size(), 1u);  // partition 1 was never committed
  EXPECT_EQ((*groups)[0].group, "pipeline");
  EXPECT_EQ((*groups)[0].partition, 0);
  EXPECT_EQ((*groups)[0].end_offset, 80);
  EXPECT_EQ((*groups)[0].lag(), 30);
}

TEST(KafkaLog, TopicsListPartitionsWithOffsetsAndUnknownSizes) {
  MockKafkaCluster cluster;
  cluster.create_topic("a", 2);
  cluster.create_topic("b", 1);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(append_numbered(*log, "a", 1, 0, 7).is_ok());
  auto topics = log->topics();
  ASSERT_TRUE(topics.is_ok()) << topics.status().message();
  ASSERT_EQ(topics->size(), 2u);
  EXPECT_EQ((*topics)[0].config.name, "a");
  ASSERT_EQ((*topics)[0].partitions.size(), 2u);
  EXPECT_EQ((*topics)[0].partitions[1].end_offset, 7);
  EXPECT_EQ((*topics)[0].partitions[1].bytes, -1);  // Kafka does not say
  EXPECT_EQ((*topics)[1].config.partitions, 1);
}

TEST(KafkaLog, APipelinesLogListsOnlyTheTopicsItEnsured) {
  MockKafkaCluster cluster;
  cluster.create_topic("mine", 1);
  cluster.create_topic("someone_elses", 4);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(log->ensure_topic(topic("mine", 1)).is_ok());
  auto topics = log->topics();
  ASSERT_TRUE(topics.is_ok()) << topics.status().message();
  ASSERT_EQ(topics->size(), 1u);
  EXPECT_EQ((*topics)[0].config.name, "mine");
}

TEST(KafkaLog, ADifferentPartitionCountIsRefusedWithBothCounts) {
  MockKafkaCluster cluster;
  cluster.create_topic("fixed", 3);
  auto log = open_kafka(cluster);
  Status s = log->ensure_topic(topic("fixed", 4));
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("has 3 partitions in Kafka, the pipeline says 4"), std::string::npos)
      << s.message();
}

TEST(KafkaLog, ATopicTheBrokersWillNotCreateIsAClearError) {
  MockKafkaCluster cluster;  // the mock brokers do not serve CreateTopics
  auto log = open_kafka(cluster, 1'000'000);
  Status s = log->ensure_topic(topic("missing", 2));
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("topic \"missing\" does not exist"), std::string::npos) << s.message();
}

TEST(KafkaLog, EncryptionKeysAreTheEmbeddedLogsAndRefusedHere) {
  MockKafkaCluster cluster;
  cluster.create_topic("secret", 1);
  auto log = open_kafka(cluster);
  TopicConfig c = topic("secret", 1);
  c.encryption_key = "k1";
  Status s = log->ensure_topic(c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("TLS"), std::string::npos) << s.message();
}

TEST(KafkaLog, FailedProduceRequestsAreRetriedWithoutDuplicates) {
  MockKafkaCluster cluster;
  cluster.create_topic("flaky", 1);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(append_numbered(*log, "flaky", 0, 0, 10).is_ok());
  cluster.fail_requests(0 /* Produce */, 3, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  auto r = append_numbered(*log, "flaky", 0, 10, 10);
  // Now and then the mock answers a retried request DUPLICATE_SEQUENCE_NUMBER and the
  // append is refused as unconfirmed (kafka_client.h); a producer retries it, as here,
  // and a record stored after all is then stored twice, never lost.
  bool refused = false;
  for (int attempt = 0; !r.is_ok() && attempt < 3; ++attempt) {
    refused = true;
    r = append_numbered(*log, "flaky", 0, 10, 10);
  }
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto all = read_all(*log, "flaky", 0);
  const std::set<std::string> distinct(all.values.begin(), all.values.end());
  EXPECT_EQ(distinct.size(), 20u) << "every record stored";
  if (!refused) {
    EXPECT_EQ(r->first_offset, 10);
    EXPECT_EQ(all.values.size(), 20u);  // the idempotent producer wrote each record once
  }
}

TEST(KafkaLog, AppendsWhileEveryBrokerIsDownFailAsRetryLaterThenRecover) {
  MockKafkaCluster cluster(1);
  cluster.create_topic("down", 1);
  auto log = open_kafka(cluster, 1'500'000);
  ASSERT_TRUE(append_numbered(*log, "down", 0, 0, 5).is_ok());
  cluster.set_down(1);
  auto failed = append_numbered(*log, "down", 0, 5, 5);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().message();
  cluster.set_up(1);
  Result<AppendResult> again = Status::internal("not tried");
  for (int attempt = 0; attempt < 20 && !again.is_ok(); ++attempt)
    again = append_numbered(*log, "down", 0, 5, 5);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  const auto all = read_all(*log, "down", 0);
  // Every acknowledged record is there; the failed call's records may be too (at-least-once).
  ASSERT_GE(all.values.size(), 10u);
  EXPECT_EQ(all.values.back(), "v9");
}

TEST(KafkaLog, ARecordOverMessageMaxBytesIsRefusedAsTooLarge) {
  MockKafkaCluster cluster(1);
  cluster.create_topic("small", 1);
  auto log = open_kafka(cluster, 10'000'000, {{"message.max.bytes", "1000"}});
  auto refused = append_numbered(*log, "small", 0, 0, 1, /*pad=*/2000);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kTooLarge) << refused.status().message();
  EXPECT_NE(refused.status().message().find("message.max.bytes"), std::string::npos);
  EXPECT_TRUE(append_numbered(*log, "small", 0, 1, 1).is_ok());  // the next one goes in
}

TEST(KafkaLog, AProducerThatFailedForGoodIsReplacedAndTheRetryStored) {
  MockKafkaCluster cluster(1);
  cluster.create_topic("desync", 1);
  auto log = open_kafka(cluster);
  ASSERT_TRUE(append_numbered(*log, "desync", 0, 0, 2).is_ok());
  // The head-of-line request refused as out of sequence: librdkafka's idempotent producer
  // can no longer vouch for ordering or once-ness and fails for good.
  cluster.fail_requests(0 /* Produce */, 1, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
  auto failed = append_numbered(*log, "desync", 0, 2, 1);
  ASSERT_FALSE(failed.is_ok());
  // Retry later (503 to an HTTP producer), not an I/O error: the next append has a new producer.
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().message();
  EXPECT_NE(failed.status().message().find("failed for good"), std::string::npos)
      << failed.status().message();
  auto retried = append_numbered(*log, "desync", 0, 2, 1);
  ASSERT_TRUE(retried.is_ok()) << retried.status().message();
  ASSERT_TRUE(append_numbered(*log, "desync", 0, 3, 1).is_ok());
  const auto all = read_all(*log, "desync", 0);
  EXPECT_EQ(all.values, (std::vector<std::string>{"v0", "v1", "v2", "v3"}));
}

TEST(KafkaLog, RecordsOfAnAppendThatTimedOutAreNotDeliveredLater) {
  MockKafkaCluster cluster(1);
  cluster.create_topic("late", 1);
  auto log = open_kafka(cluster, 1'000'000);
  ASSERT_TRUE(append_numbered(*log, "late", 0, 0, 5).is_ok());
  cluster.set_down(1);
  ASSERT_FALSE(append_numbered(*log, "late", 0, 5, 5).is_ok());
  // The producer gives its records up with the append (message.timeout.ms is the log's
  // timeout): the caller was told to retry, so a late delivery would be a duplicate.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  cluster.set_up(1);
  Result<AppendResult> again = Status::internal("not tried");
  for (int attempt = 0; attempt < 20 && !again.is_ok(); ++attempt)
    again = append_numbered(*log, "late", 0, 10, 1);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto all = read_all(*log, "late", 0);
  EXPECT_EQ(all.values, (std::vector<std::string>{"v0", "v1", "v2", "v3", "v4", "v10"}));
}

// What one instance of a group was told, for the test thread to wait on.
class ShareListener final : public GroupListener {
 public:
  void assigned(const std::vector<TopicPartition>& partitions) override {
    std::lock_guard lock(mutex_);
    share_ = partitions;
    owns_ = true;
  }
  void revoked(const std::vector<TopicPartition>&) override {
    std::lock_guard lock(mutex_);
    owns_ = false;
    ++revocations_;
  }
  void lost(const std::vector<TopicPartition>&) override {
    std::lock_guard lock(mutex_);
    owns_ = false;
    ++losses_;
  }
  // Waits up to 30 s until this instance owns `count` partitions; returns them.
  std::vector<TopicPartition> wait_for(size_t count) {
    for (int i = 0; i < 3000; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (owns_ && share_.size() == count) return share_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no share of " << count << " partitions within 30 s";
    return {};
  }
  int revocations() {
    std::lock_guard lock(mutex_);
    return revocations_;
  }
  int losses() {
    std::lock_guard lock(mutex_);
    return losses_;
  }

 private:
  std::mutex mutex_;
  std::vector<TopicPartition> share_;
  bool owns_ = false;
  int revocations_ = 0;
  int losses_ = 0;
};

TEST(KafkaLog, InstancesOfAGroupSplitThePartitionsAndHandThemBack) {
  MockKafkaCluster cluster;
  cluster.create_topic("shared", 4);
  auto first_log = open_kafka(cluster);
  auto second_log = open_kafka(cluster);
  ShareListener first, second;
  auto first_member = first_log->join("pipeline", {"shared"}, first);
  ASSERT_TRUE(first_member.is_ok()) << first_member.status().message();
  EXPECT_EQ(first.wait_for(4).size(), 4u) << "alone, it reads everything";

  auto second_member = second_log->join("pipeline", {"shared"}, second);
  ASSERT_TRUE(second_member.is_ok());
  std::set<int32_t> all;
  for (const TopicPartition& tp : first.wait_for(2)) all.insert(tp.partition);
  for (const TopicPartition& tp : second.wait_for(2)) all.insert(tp.partition);
  EXPECT_EQ(all, (std::set<int32_t>{0, 1, 2, 3})) << "two disjoint halves";
  EXPECT_GE(first.revocations(), 1) << "it let its partitions go before they were split";

  // Leaving hands the partitions back without a timeout.
  second_member->reset();
  EXPECT_EQ(first.wait_for(4).size(), 4u);
  // Commits go to the group itself, which has no members: they work throughout.
  const std::pair<int32_t, int64_t> offsets[] = {{0, 0}};
  EXPECT_TRUE(first_log->commit("pipeline", "shared", offsets).is_ok());
}

TEST(KafkaLog, AShareTheBrokersTookIsReportedLostNotRevokedAndComesBackOnRejoining) {
  MockKafkaCluster cluster;
  cluster.create_topic("shared", 2);
  // The old membership stays with the brokers until its session times out: short here.
  auto log = open_kafka(cluster, 10'000'000,
                        {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "300"}});
  ShareListener listener;
  auto member = log->join("pipeline", {"shared"}, listener);
  ASSERT_TRUE(member.is_ok()) << member.status().message();
  ASSERT_EQ(listener.wait_for(2).size(), 2u);
  EXPECT_TRUE((*member)->trusted());
  // The brokers no longer know the member (as after its session timed out): its
  // share may be another instance's already.
  cluster.fail_requests(12 /* Heartbeat */, 1, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID);
  for (int i = 0; i < 1000 && listener.losses() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(listener.losses(), 1);
  EXPECT_EQ(listener.revocations(), 0) << "a lost share is not handed over";
  EXPECT_EQ(listener.wait_for(2).size(), 2u) << "it rejoins and gets its share again";
}

// Takes its first share slowly, as a restore of much state would: the group thread
// does not run meanwhile.
class SlowListener final : public GroupListener {
 public:
  void assigned(const std::vector<TopicPartition>&) override {
    if (calls_++ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    done_ = true;
  }
  void revoked(const std::vector<TopicPartition>&) override {}
  void lost(const std::vector<TopicPartition>&) override {}
  std::atomic<bool> done_{false};

 private:
  int calls_ = 0;
};

TEST(KafkaLog, AMemberWhoseGroupThreadDidNotRunForHalfTheSessionIsNotTrusted) {
  MockKafkaCluster cluster;
  cluster.create_topic("shared", 1);
  // Session 6 s: past 3 s without the group thread, the brokers may be about to
  // time the member out (as when the whole process is frozen).
  auto log = open_kafka(cluster, 10'000'000, {{"session.timeout.ms", "6000"}});
  SlowListener listener;
  auto member = log->join("pipeline", {"shared"}, listener);
  ASSERT_TRUE(member.is_ok()) << member.status().message();
  bool doubted = false;
  for (int i = 0; i < 2000 && !listener.done_.load(); ++i) {
    doubted = doubted || !(*member)->trusted();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(listener.done_.load());
  EXPECT_TRUE(doubted) << "trusted while its group thread was held for 3.5 s";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE((*member)->trusted()) << "a slow assignment is the group's answer, not a stall";
}

TEST(KafkaLog, APartitionThatStoppedPrefetchingWhileIdleReadsOnWhereAsked) {
  MockKafkaCluster cluster;
  cluster.create_topic("idle", 1);
  KafkaLogOptions options;
  options.brokers = cluster.bootstrap();
  options.properties = {{"log_level", "2"}};
  options.idle_read_stop_us = 100'000;
  auto log = std::move(KafkaLog::open(std::move(options))).value();
  ASSERT_TRUE(log->ensure_topic(topic("idle", 1)).is_ok());
  ASSERT_TRUE(append_numbered(*log, "idle", 0, 0, 10).is_ok());
  EXPECT_EQ(read_all(*log, "idle", 0).values.size(), 10u);
  // Past the idle time and a sweep (once a second): the fetch of the partition stopped.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(append_numbered(*log, "idle", 0, 10, 10).is_ok());
  const auto rest = read_all(*log, "idle", 0, 10);
  ASSERT_EQ(rest.values.size(), 10u);
  EXPECT_EQ(rest.values.front(), "v10");
  EXPECT_EQ(rest.offsets.front(), 10);
}

TEST(KafkaLog, EveryRecordOfAnAcknowledgedAppendIsStoredWhileProduceRequestsFail) {
  MockKafkaCluster cluster;
  cluster.create_topic("stress", 3);
  auto log = open_kafka(cluster);
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> appenders;
  for (int t = 0; t < 3; ++t) {
    appenders.emplace_back([&, t] {
      for (int call = 0; call < 40; ++call) {
        if (t == 0 && call % 10 == 5)
          cluster.fail_requests(0 /* Produce */, 10, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
        auto r = append_numbered(*log, "stress", t, (t * 1000 + call) * 25, 25);
        if (r.is_ok()) acknowledged.fetch_add(25);
      }
    });
  }
  for (auto& a : appenders) a.join();
  std::set<std::string> stored;
  for (int32_t p = 0; p < 3; ++p) {
    for (const std::string& v : read_all(*log, "stress", p).values) stored.insert(v);
  }
  EXPECT_GE(static_cast<int>(stored.size()), acknowledged.load())
      << "an acknowledged record is missing";
}

TEST(KafkaDelivery, RecordsReportedWithoutAnOffsetOfTheirOwnAreUnconfirmed) {
  EXPECT_EQ(unconfirmed({}), 0u);
  EXPECT_EQ(unconfirmed({{0, 10}, {0, 11}, {1, 10}}), 0u) << "offsets of other partitions";
  EXPECT_EQ(unconfirmed({{0, 12}, {0, 10}, {0, 12}, {0, 11}, {0, 12}}), 2u);
  EXPECT_EQ(unconfirmed({{0, 7}, {0, -1}, {0, -1}}), 2u) << "a duplicate-sequence answer";
}

}  // namespace
}  // namespace sluice::log

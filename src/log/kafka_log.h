// KafkaLog: the Log interface over Apache Kafka or Redpanda, through librdkafka.
//
// A topic partition of the log is a Kafka topic partition; a record is one Kafka
// message (key, value, timestamp in milliseconds), so outside tools read and write
// the same topics. Appends go through one idempotent producer (acks=all): append()
// returns once every record of the call was acknowledged by the partition's
// leader and its in-sync replicas, and records of one call get consecutive
// offsets because a call enqueues them under the partition's lock. Reads use one
// consumer that fetches each partition read from, from the asked offset on, and stops
// fetching a partition nobody read for a while.
// Commits and committed offsets are Kafka consumer-group offsets, so
// kafka-consumer-groups and other tools see the pipeline's progress.
//
// What differs from the embedded log (docs/scale-out.md): durability is Kafka's
// (replication and acks, not fsync); retention and segments are the brokers',
// set from the topic's settings when sluice creates the topic; a failed append
// may have stored some of its records (the producer retries answer 503, so those
// become duplicates, as at-least-once allows); encryption at rest is the brokers'
// business (encryption_key is refused), encryption on the wire is TLS through the
// librdkafka properties.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "log/kafka_client.h"
#include "log/kafka_producer.h"
#include "log/log.h"

namespace sluice::log {

struct KafkaLogOptions {
  std::string brokers;              // bootstrap.servers
  KafkaProperties properties;       // librdkafka properties for every client of the log
  int32_t replication_factor = -1;  // for topics sluice creates; -1: the brokers' default
  std::string group;                // the pipeline's group: always listed by group_offsets("")
  int64_t timeout_us = 30'000'000;  // the longest an append, commit or metadata request waits
  // A partition nobody read for this long stops prefetching (another instance reads it
  // now, or its reader stalls behind a slow sink); the next read starts it again.
  int64_t idle_read_stop_us = 30'000'000;
};

class KafkaLog final : public Log {
 public:
  // Connects lazily: a cluster that is down makes the first request fail, not open().
  static Result<std::unique_ptr<KafkaLog>> open(KafkaLogOptions options);
  ~KafkaLog() override;

  Status ensure_topic(const TopicConfig& config) override;
  Result<AppendResult> append(const std::string& topic, int32_t partition,
                              std::span<const Record> records) override;
  Result<ReadResult> read(const std::string& topic, int32_t partition, int64_t offset,
                          size_t max_bytes, int64_t max_wait_us) override;
  Status commit(const std::string& group, const std::string& topic,
                std::span<const std::pair<int32_t, int64_t>> offsets) override;
  Result<int64_t> committed(const std::string& group, const std::string& topic,
                            int32_t partition) override;
  // The topics this log ensured (a pipeline's own: a cluster may hold thousands, and
  // each partition costs two offset requests); every topic when it ensured none, as
  // for `sluice log`.
  Result<std::vector<TopicInfo>> topics() override;
  // Kafka has no cheap listing of every group's offsets for one client: this lists
  // the configured group and every group this log committed for or was asked about.
  Result<std::vector<GroupOffset>> group_offsets(const std::string& group) override;
  // Through a Kafka consumer group (kafka_group_member.h): the instances running
  // the pipeline split its partitions.
  Result<std::unique_ptr<GroupMembership>> join(const std::string& group,
                                                const std::vector<std::string>& topics,
                                                GroupListener& listener) override;
  Status close() override;

 private:
  struct PartitionReader;
  explicit KafkaLog(KafkaLogOptions options);
  Status start();
  // The producer now; holding it keeps it alive while another replaces it.
  std::shared_ptr<KafkaProducer> producer() const;
  // Replaces `used` if it failed for good (and nobody replaced it yet); the status
  // to answer the append that found it.
  Status replace_if_failed(const std::shared_ptr<KafkaProducer>& used, Status failed);
  Result<rd_kafka_topic_t*> producer_topic(KafkaProducer& producer, const std::string& topic);
  Result<rd_kafka_topic_t*> consumer_topic(const std::string& topic);
  PartitionReader& reader_for(const std::string& topic, int32_t partition);
  // Partitions this instance no longer reads stop prefetching (memory, bandwidth).
  void stop_reading(const std::vector<TopicPartition>& partitions);
  void stop_idle_reads();
  Result<rd_kafka_t*> group_client(const std::string& group);
  Result<int32_t> partition_count(const std::string& topic);  // -1: no such topic
  // Fills in the start and end offsets of every partition of `topics`.
  Status query_offsets(std::vector<TopicInfo>& topics);
  Status create_topic(const TopicConfig& config);
  int timeout_ms() const { return static_cast<int>(options_.timeout_us / 1000); }

  KafkaLogOptions options_;
  KafkaClientSettings producer_settings_;
  mutable std::mutex producer_mutex_;
  std::shared_ptr<KafkaProducer> producer_;  // with the thread that serves its reports
  KafkaHandle consumer_;
  // Stops idle reads: waits for readers, which must not hold up delivery reports.
  std::thread sweeper_;
  std::atomic<bool> stopping_{false};
  std::mutex close_mutex_;
  bool closed_ = false;

  std::mutex topics_mutex_;
  std::map<std::string, KafkaTopicHandle> consumer_topics_;
  std::map<std::string, Codec> codecs_;
  std::map<std::pair<std::string, int32_t>, std::unique_ptr<std::mutex>> append_locks_;
  std::map<std::pair<std::string, int32_t>, std::unique_ptr<PartitionReader>> readers_;

  std::mutex groups_mutex_;
  std::map<std::string, KafkaHandle> group_clients_;
  std::set<std::string> known_groups_;
};

}  // namespace sluice::log

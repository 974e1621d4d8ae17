// KafkaProducer: a producer handle whose messages KafkaDelivery tracks, with the
// thread that serves their delivery reports and its topic handles, as one piece
// that can be replaced.
//
// An idempotent producer that fails for good (librdkafka lost track of its
// sequence numbers) refuses every message from then on: its owner makes a new one
// (the Kafka log: KafkaLog::replace_if_failed; the kafka sink). Callers still
// holding the old one finish with it, and it goes — thread, topics and handle —
// with the last of them.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "log/kafka_client.h"

namespace sluice::log {

class KafkaProducer {
 public:
  static Result<std::shared_ptr<KafkaProducer>> make(const KafkaClientSettings& settings);
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  rd_kafka_t* get() const { return handle_.get(); }
  // The handle of `topic`, made on first use with the client's topic settings
  // (message.timeout.ms, the user's) and `compression` (librdkafka's codec name;
  // null: the client's).
  Result<rd_kafka_topic_t*> topic(const std::string& topic, const char* compression = nullptr);
  // Why it failed for good; empty while it works.
  std::string fatal_error() const;

 private:
  explicit KafkaProducer(KafkaHandle handle);

  KafkaHandle handle_;
  std::thread poller_;
  std::atomic<bool> stopping_{false};
  std::mutex topics_mutex_;
  std::map<std::string, KafkaTopicHandle> topics_;
};

}  // namespace sluice::log

// KafkaLogProducer: the Kafka log's producer handle with the thread that serves
// its delivery reports and its topic handles, as one replaceable piece.
//
// An idempotent producer that fails for good (librdkafka lost track of its
// sequence numbers) refuses every message from then on. The log then swaps in a
// new one (KafkaLog::replace_if_failed); callers still holding the old one finish
// with it, and it goes — thread, topics and handle — with the last of them.
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

class KafkaLogProducer {
 public:
  static Result<std::shared_ptr<KafkaLogProducer>> make(const KafkaClientSettings& settings);
  ~KafkaLogProducer();
  KafkaLogProducer(const KafkaLogProducer&) = delete;
  KafkaLogProducer& operator=(const KafkaLogProducer&) = delete;

  rd_kafka_t* get() const { return handle_.get(); }
  // The handle of `topic`, made on first use with the client's topic settings
  // (message.timeout.ms, the user's) and `compression` (librdkafka's codec name).
  Result<rd_kafka_topic_t*> topic(const std::string& topic, const char* compression);
  // Why it failed for good; empty while it works.
  std::string fatal_error() const;

 private:
  explicit KafkaLogProducer(KafkaHandle handle);

  KafkaHandle handle_;
  std::thread poller_;
  std::atomic<bool> stopping_{false};
  std::mutex topics_mutex_;
  std::map<std::string, KafkaTopicHandle> topics_;
};

}  // namespace sluice::log

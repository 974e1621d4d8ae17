#include "log/kafka_producer.h"

namespace sluice::log {

Result<std::shared_ptr<KafkaProducer>> KafkaProducer::make(const KafkaClientSettings& settings) {
  auto made = make_kafka_client(RD_KAFKA_PRODUCER, settings, install_delivery_reports);
  if (!made) return made.status();
  return std::shared_ptr<KafkaProducer>(new KafkaProducer(std::move(made).value()));
}

KafkaProducer::KafkaProducer(KafkaHandle handle) : handle_(std::move(handle)) {
  poller_ = std::thread([this] {
    while (!stopping_.load(std::memory_order_relaxed)) rd_kafka_poll(handle_.get(), 50);
  });
}

KafkaProducer::~KafkaProducer() {
  stopping_ = true;
  poller_.join();
  // What is still queued (a failed producer's leftovers; nothing after a flush) is
  // purged and its reports served here: nobody waits for them any more, but each
  // releases what its delivery holds.
  rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(handle_.get(), 0);
  topics_.clear();
  handle_.reset();
}

Result<rd_kafka_topic_t*> KafkaProducer::topic(const std::string& topic, const char* compression) {
  std::lock_guard lock(topics_mutex_);
  if (auto it = topics_.find(topic); it != topics_.end()) return it->second.get();
  // From the client's defaults: message.timeout.ms (the log's timeout) and the user's
  // topic-level properties are topic settings, which a fresh conf would drop.
  rd_kafka_topic_conf_t* conf = rd_kafka_default_topic_conf_dup(handle_.get());
  char error[512];
  if (compression != nullptr && rd_kafka_topic_conf_set(conf, "compression.type", compression,
                                                        error, sizeof error) != RD_KAFKA_CONF_OK) {
    rd_kafka_topic_conf_destroy(conf);
    return Status::invalid("topic \"" + topic + "\": " + error);
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(handle_.get(), topic.c_str(), conf);
  if (!rkt) return kafka_status(rd_kafka_last_error(), "topic \"" + topic + "\"");
  topics_.emplace(topic, KafkaTopicHandle(rkt));
  return rkt;
}

std::string KafkaProducer::fatal_error() const {
  char reason[512];
  if (!rd_kafka_fatal_error(handle_.get(), reason, sizeof reason)) return "";
  return reason;
}

}  // namespace sluice::log

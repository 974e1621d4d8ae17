// Kafka clients: librdkafka handles made from sluice's settings, shared by the
// Kafka log, the kafka source and the kafka sink.
//
// Every client gets the brokers and the user's librdkafka properties (any of
// security.protocol, sasl.*, ssl.*, …) first, then the settings the component
// needs for its guarantees; a property librdkafka does not know is an error that
// names it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sluice::log {

using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const;
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

struct KafkaTopicDeleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};
using KafkaTopicHandle = std::unique_ptr<rd_kafka_topic_t, KafkaTopicDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

struct KafkaClientSettings {
  std::string brokers;
  KafkaProperties user;      // from the pipeline file, applied first
  KafkaProperties required;  // what the component's guarantees need, applied last
  std::string subject;       // names the component in errors: "log", "source \"orders\""
};

// A producer or consumer handle. `conf_setup` may set callbacks on the
// configuration before the handle is made.
Result<KafkaHandle> make_kafka_client(rd_kafka_type_t type, const KafkaClientSettings& settings,
                                      void (*conf_setup)(rd_kafka_conf_t*, void*) = nullptr,
                                      void* setup_opaque = nullptr);

// What one call that produces messages waits for: a delivery report of each.
// Reports come on the thread that polls the producer, which must have been made
// with install_delivery_reports. Made by begin(), ended by one wait(): a caller
// that stops waiting at its deadline leaves the object to the last report.
class KafkaDelivery {
 public:
  static KafkaDelivery* begin() { return new KafkaDelivery; }
  // Enqueues one message (RD_KAFKA_PARTITION_UA: the partitioner picks). A full
  // local queue is waited out until `deadline`. `headers`, when given, are the
  // message's once this succeeds.
  rd_kafka_resp_err_t produce(rd_kafka_t* producer, rd_kafka_topic_t* topic, int32_t partition,
                              std::string_view key, std::string_view value, int64_t timestamp_ms,
                              rd_kafka_headers_t* headers,
                              std::chrono::steady_clock::time_point deadline);
  struct Outcome {
    bool reported = false;  // every report came before the deadline
    size_t produced = 0;
    int64_t first_offset = -1, last_offset = -1;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;  // the first failed report
    // Records reported delivered that cannot be shown to be stored (unconfirmed()).
    size_t unconfirmed = 0;
  };
  // Waits for every report; `this` must not be used afterwards.
  Outcome wait(std::chrono::steady_clock::time_point deadline);

 private:
  KafkaDelivery() = default;
  friend void on_kafka_delivery(rd_kafka_t*, const rd_kafka_message_t*, void*);
  void release(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable done_;
  size_t produced_ = 0;
  size_t remaining_ = 0;   // reports still to come
  size_t references_ = 1;  // the caller + one per message enqueued
  int64_t first_ = -1, last_ = -1;
  std::vector<std::pair<int32_t, int64_t>> stored_;  // (partition, offset) of each success
  rd_kafka_resp_err_t error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
};

// How many of the (partition, offset) reports of one call's successful deliveries do
// not show that their record is stored: without an offset, or at an offset another
// record of the call got. librdkafka reports a batch the brokers answer with
// DUPLICATE_SEQUENCE_NUMBER as delivered without an offset, trusting that an earlier
// attempt stored it; against its mock brokers, with produce requests failing on
// purpose, such records were not stored, and appends that acknowledged them lost
// events. A call with unconfirmed records fails instead and is retried (at-least-once:
// a record that was stored after all is then stored twice, never lost).
size_t unconfirmed(std::vector<std::pair<int32_t, int64_t>> stored);

// A make_kafka_client conf_setup for producers whose messages KafkaDelivery tracks.
void install_delivery_reports(rd_kafka_conf_t* conf, void*);

// The partition count of `topic` as the brokers list it, -1 when they do not.
// Asks for every topic's metadata: brokers that auto-create topics would create
// one that a request names. Errors name `subject`.
Result<int32_t> topic_partition_count(rd_kafka_t* rk, const std::string& topic,
                                      const std::string& subject, int timeout_ms);

// Whether the user set `name` (the component then leaves its own default out).
bool has_property(const KafkaProperties& properties, std::string_view name);

// "Broker: Unknown topic or partition (UNKNOWN_TOPIC_OR_PART)".
std::string kafka_error_text(rd_kafka_resp_err_t err);

// Errors worth retrying later (a broker down, a leader moving, a timeout) map to
// kUnavailable, so an HTTP producer gets 503 and retries; a record too large to
// send to kTooLarge (no retry helps: a source leaves that event out); the rest to
// kIoError.
Status kafka_status(rd_kafka_resp_err_t err, const std::string& what);

}  // namespace sluice::log

// Kafka clients: librdkafka handles made from sluice's settings, shared by the
// Kafka log, the kafka source and the kafka sink.
//
// Every client gets the brokers and the user's librdkafka properties (any of
// security.protocol, sasl.*, ssl.*, …) first, then the settings the component
// needs for its guarantees; a property librdkafka does not know is an error that
// names it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
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

// Whether the user set `name` (the component then leaves its own default out).
bool has_property(const KafkaProperties& properties, std::string_view name);

// "Broker: Unknown topic or partition (UNKNOWN_TOPIC_OR_PART)".
std::string kafka_error_text(rd_kafka_resp_err_t err);

// Errors worth retrying later (a broker down, a leader moving, a timeout) map to
// kUnavailable, so an HTTP producer gets 503 and retries; the rest to kIoError.
Status kafka_status(rd_kafka_resp_err_t err, const std::string& what);

}  // namespace sluice::log

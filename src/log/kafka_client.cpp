#include "log/kafka_client.h"

namespace sluice::log {

void KafkaHandleDeleter::operator()(rd_kafka_t* rk) const {
  rd_kafka_destroy(rk);
}

namespace {

Status set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value,
                    const std::string& subject) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    return Status::invalid(subject + ": librdkafka property \"" + name + "\": " + error);
  }
  return Status::ok();
}

}  // namespace

Result<KafkaHandle> make_kafka_client(rd_kafka_type_t type, const KafkaClientSettings& settings,
                                      void (*conf_setup)(rd_kafka_conf_t*, void*),
                                      void* setup_opaque) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto fail = [&](Status s) {
    rd_kafka_conf_destroy(conf);
    return s;
  };
  if (Status s = set_property(conf, "bootstrap.servers", settings.brokers, settings.subject);
      !s.is_ok())
    return fail(s);
  for (const auto& [name, value] : settings.user) {
    if (Status s = set_property(conf, name, value, settings.subject); !s.is_ok()) return fail(s);
  }
  for (const auto& [name, value] : settings.required) {
    if (Status s = set_property(conf, name, value, settings.subject); !s.is_ok()) return fail(s);
  }
  if (conf_setup) conf_setup(conf, setup_opaque);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof error);
  if (!rk)
    return fail(Status::invalid(settings.subject + ": cannot create a Kafka client: " + error));
  return KafkaHandle(rk);  // rd_kafka_new owns conf now
}

bool has_property(const KafkaProperties& properties, std::string_view name) {
  for (const auto& [key, value] : properties) {
    if (key == name) return true;
  }
  return false;
}

std::string kafka_error_text(rd_kafka_resp_err_t err) {
  return std::string(rd_kafka_err2str(err)) + " (" + rd_kafka_err2name(err) + ")";
}

Status kafka_status(rd_kafka_resp_err_t err, const std::string& what) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
      return Status(StatusCode::kUnavailable,
                    what + ": " + kafka_error_text(err) + "; retry later");
    default:
      return Status(StatusCode::kIoError, what + ": " + kafka_error_text(err));
  }
}

}  // namespace sluice::log

#include "log/kafka_client.h"

#include <algorithm>
#include <thread>

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

void on_kafka_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  auto* delivery = static_cast<KafkaDelivery*>(message->_private);
  if (!delivery) return;
  std::unique_lock lock(delivery->mutex_);
  if (message->err) {
    if (!delivery->error_) delivery->error_ = message->err;
  } else {
    if (message->offset >= 0) {
      delivery->first_ =
          delivery->first_ < 0 ? message->offset : std::min(delivery->first_, message->offset);
      delivery->last_ = std::max(delivery->last_, message->offset);
    }
    delivery->stored_.emplace_back(message->partition, message->offset);
  }
  if (--delivery->remaining_ == 0) delivery->done_.notify_all();
  delivery->release(lock);
}

void install_delivery_reports(rd_kafka_conf_t* conf, void*) {
  rd_kafka_conf_set_dr_msg_cb(conf, on_kafka_delivery);
}

void KafkaDelivery::release(std::unique_lock<std::mutex>& lock) {
  const bool last_reference = --references_ == 0;
  lock.unlock();
  if (last_reference) delete this;
}

rd_kafka_resp_err_t KafkaDelivery::produce(rd_kafka_t* producer, rd_kafka_topic_t* topic,
                                           int32_t partition, std::string_view key,
                                           std::string_view value, int64_t timestamp_ms,
                                           rd_kafka_headers_t* headers,
                                           std::chrono::steady_clock::time_point deadline) {
  {
    // Counted before it is enqueued: its report may come before producev returns.
    std::lock_guard lock(mutex_);
    ++remaining_;
    ++references_;
  }
  for (;;) {
    // A null headers list is none: producev only takes the application's list when
    // it is not null (librdkafka 2.0.2, rd_kafka_producev).
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        producer, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(this), RD_KAFKA_V_END);
    if (!err) {
      std::lock_guard lock(mutex_);
      ++produced_;
      return err;
    }
    // A full local queue drains as the brokers answer: wait for room, within the deadline.
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    std::lock_guard lock(mutex_);
    --remaining_;
    --references_;  // the caller's reference stays: never the last
    return err;
  }
}

KafkaDelivery::Outcome KafkaDelivery::wait(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  Outcome out;
  // librdkafka does not time out messages queued for a partition whose leader is
  // out of reach, so the wait has a deadline of its own.
  out.reported = done_.wait_until(lock, deadline, [&] { return remaining_ == 0; });
  out.produced = produced_;
  out.first_offset = first_;
  out.last_offset = last_;
  out.error = error_;
  out.unconfirmed = unconfirmed(std::move(stored_));
  release(lock);
  return out;
}

size_t unconfirmed(std::vector<std::pair<int32_t, int64_t>> stored) {
  std::sort(stored.begin(), stored.end());
  size_t count = 0;
  for (size_t i = 0; i < stored.size(); ++i) {
    const bool no_offset = stored[i].second < 0;
    const bool repeated = i > 0 && stored[i] == stored[i - 1];
    count += no_offset || repeated ? 1 : 0;
  }
  return count;
}

Result<int32_t> topic_partition_count(rd_kafka_t* rk, const std::string& topic,
                                      const std::string& subject, int timeout_ms) {
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &metadata, timeout_ms))
    return kafka_status(err, subject + ": metadata of topic \"" + topic + "\"");
  int32_t count = -1;
  rd_kafka_resp_err_t topic_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR)
      count = t.partition_cnt;
    else if (t.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      topic_error = t.err;
  }
  rd_kafka_metadata_destroy(metadata);
  if (topic_error)
    return kafka_status(topic_error, subject + ": metadata of topic \"" + topic + "\"");
  return count;
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
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:  // the client's message.max.bytes or the broker's
      return Status(StatusCode::kTooLarge,
                    what + ": " + kafka_error_text(err) +
                        ": a record is larger than message.max.bytes (of the client or the "
                        "brokers) allows");
    default:
      return Status(StatusCode::kIoError, what + ": " + kafka_error_text(err));
  }
}

}  // namespace sluice::log

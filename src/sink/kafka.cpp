#include "sink/kafka.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "core/config/kafka_options.h"
#include "format/json_writer.h"
#include "log/kafka_client.h"

namespace sluice::sink {
namespace {

class KafkaSink final : public Sink {
 public:
  KafkaSink(const BuildContext& ctx, KafkaConnection connection)
      : name_(ctx.name()), connection_(std::move(connection)), stats_(ctx.stats) {
    const OptionValues& o = ctx.options();
    topic_ = o.get_string("topic");
    if (o.has("key")) key_ = o.get_expression("key");
    if (o.has("headers")) {
      for (const auto& [header, path] : o.get_string_map("headers"))
        headers_.emplace_back(header, FieldPath::parse(path).value());
    }
    compression_ = o.get_string("compression");
    timeout_us_ = o.get_int("timeout");
  }

  ~KafkaSink() override { (void)close(); }

  Status write(const Batch& batch) override {
    SLUICE_RETURN_IF_ERROR(connect());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us_);
    log::KafkaDelivery* delivery = log::KafkaDelivery::begin();
    rd_kafka_resp_err_t enqueue_error = RD_KAFKA_RESP_ERR_NO_ERROR;
    Arena scratch;
    size_t bytes = 0;
    for (const Event& event : batch.events) {
      value_.clear();
      format::append_json(event.fields, value_);
      const std::string_view key = key_of(event, scratch);
      rd_kafka_headers_t* headers = headers_of(event);
      enqueue_error = delivery->produce(producer_.get(), topic_handle_.get(), RD_KAFKA_PARTITION_UA,
                                        key, value_, event.time_us / 1000, headers, deadline);
      if (enqueue_error) {
        if (headers) rd_kafka_headers_destroy(headers);
        break;
      }
      bytes += value_.size();
    }
    const log::KafkaDelivery::Outcome out = delivery->wait(deadline + std::chrono::seconds(1));
    const std::string subject = "sink \"" + name_ + "\": topic \"" + topic_ + "\"";
    if (enqueue_error) return log::kafka_status(enqueue_error, subject);
    if (!out.reported)
      return log::kafka_status(RD_KAFKA_RESP_ERR__TIMED_OUT,
                               subject + ": not acknowledged in time");
    if (out.error) return log::kafka_status(out.error, subject);
    if (out.unconfirmed > 0) {
      return Status::unavailable(subject + ": " + std::to_string(out.unconfirmed) +
                                 " messages cannot be shown stored (no offset of their own); "
                                 "retrying the batch");
    }
    stats_.add_in(batch.size());
    stats_.add_out(batch.size());
    stats_.add_bytes_out(bytes);
    return Status::ok();
  }

  // Every write waited for its acknowledgements: nothing is held.
  Status flush() override { return Status::ok(); }

  Status close() override {
    if (!producer_) return Status::ok();
    Status result;
    if (rd_kafka_resp_err_t err =
            rd_kafka_flush(producer_.get(), static_cast<int>(timeout_us_ / 1000)))
      result = log::kafka_status(err, "sink \"" + name_ + "\": flush at close");
    stopping_ = true;
    if (poller_.joinable()) poller_.join();
    topic_handle_.reset();
    producer_.reset();
    return result;
  }

 private:
  // Connects on the first write, so a pipeline starts while the cluster is still coming up.
  Status connect() {
    if (producer_) return Status::ok();
    log::KafkaClientSettings settings{connection_.brokers,
                                      connection_.properties,
                                      {{"enable.idempotence", "true"},
                                       {"acks", "all"},
                                       {"compression.type", compression_},
                                       {"message.timeout.ms", std::to_string(timeout_us_ / 1000)}},
                                      "sink \"" + name_ + "\""};
    // A write waits for its acknowledgements: lingering would only add latency.
    if (!log::has_property(connection_.properties, "linger.ms"))
      settings.required.insert(settings.required.begin(), {"linger.ms", "0"});
    auto made = log::make_kafka_client(RD_KAFKA_PRODUCER, settings, log::install_delivery_reports);
    if (!made) return made.status();
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(made->get(), topic_.c_str(), nullptr);
    if (!rkt)
      return log::kafka_status(rd_kafka_last_error(),
                               "sink \"" + name_ + "\": topic \"" + topic_ + "\"");
    producer_ = std::move(made).value();
    topic_handle_.reset(rkt);
    stopping_ = false;
    poller_ = std::thread([this] {
      while (!stopping_.load(std::memory_order_relaxed)) rd_kafka_poll(producer_.get(), 50);
    });
    return Status::ok();
  }

  std::string_view key_of(const Event& event, Arena& scratch) {
    if (!key_) return {};
    Value v;
    std::string error;
    if (!key_->evaluate(event.fields, scratch, &v, &error)) {
      stats_.add_error();
      if (key_errors_++ % 1000 == 0)
        spdlog::warn("sink \"{}\": key {}: {} (sent without a key; {} so far)", name_, key_->text(),
                     error, key_errors_);
      return {};
    }
    if (v.is_null()) return {};
    if (v.is_string()) return v.as_string();
    key_text_.clear();
    format::append_json(v, key_text_);
    return key_text_;
  }

  rd_kafka_headers_t* headers_of(const Event& event) {
    if (headers_.empty()) return nullptr;
    rd_kafka_headers_t* headers = rd_kafka_headers_new(headers_.size());
    for (const auto& [name, path] : headers_) {
      const Value* v = lookup(event.fields, path);
      if (!v || v->is_null()) continue;
      header_text_.clear();
      if (v->is_string())
        header_text_ = v->as_string();
      else
        format::append_json(*v, header_text_);
      rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                          header_text_.data(), static_cast<ssize_t>(header_text_.size()));
    }
    return headers;
  }

  std::string name_;
  KafkaConnection connection_;
  observe::ComponentStats& stats_;
  std::string topic_;
  ExpressionPtr key_;
  std::vector<std::pair<std::string, FieldPath>> headers_;
  std::string compression_;
  int64_t timeout_us_ = 30'000'000;
  log::KafkaHandle producer_;
  log::KafkaTopicHandle topic_handle_;
  std::thread poller_;  // serves delivery reports
  std::atomic<bool> stopping_{false};
  std::string value_, key_text_, header_text_;
  uint64_t key_errors_ = 0;
};

std::string check_options(const OptionValues& o) {
  if (o.get_string("topic").empty()) return "topic: name the Kafka topic to write to";
  if (o.has("headers")) {
    for (const auto& [header, path] : o.get_string_map("headers")) {
      if (auto parsed = FieldPath::parse(path); !parsed)
        return "headers: " + header + ": " + parsed.status().message();
    }
  }
  return "";
}

}  // namespace

SinkType kafka_sink_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = "kafka";
  spec.summary =
      "Produces events as JSON messages to a Kafka topic; a batch counts as written once Kafka "
      "acknowledged it.";
  spec.options = kafka_connection_options();
  const std::vector<OptionSpec> own = {
      OptionSpec::required_option("topic", OptionType::kString,
                                  "Kafka topic to produce to (it must exist)."),
      OptionSpec::optional(
          "key", OptionType::kExpression, "",
          "Message key, e.g. .user_id (strings as they are, other values as JSON); empty: no key, "
          "the partitioner spreads messages."),
      OptionSpec::optional(
          "headers", OptionType::kStringMap, "",
          "Message headers: header name → field (e.g. trace: .trace_id), sent when the field is "
          "present."),
      OptionSpec::optional("compression", OptionType::kEnum, "none",
                           "Compression of produced message sets.")
          .one_of({"none", "gzip", "snappy", "lz4", "zstd"}),
      OptionSpec::optional(
          "timeout", OptionType::kDuration, "30s",
          "How long a batch waits for Kafka's acknowledgements before the write fails and is "
          "retried.")
          .at_least(100'000),
  };
  spec.options.insert(spec.options.end(), own.begin(), own.end());
  spec.check = check_options;
  return SinkType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Sink>> {
                    auto connection = kafka_connection(ctx.config, ctx.pipeline);
                    if (!connection) return connection.status();
                    return std::unique_ptr<Sink>(
                        std::make_unique<KafkaSink>(ctx, std::move(connection).value()));
                  }};
}

}  // namespace sluice::sink

#include "sink/kafka.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <thread>

#include "core/config/kafka_options.h"
#include "core/time.h"
#include "format/json_writer.h"
#include "log/kafka_client.h"
#include "log/kafka_producer.h"
#include "sink/kafka/progress.h"

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
    transactional_id_ = o.get_string("transactional_id");
    progress_topic_ = o.get_string("progress_topic").empty() ? topic_ + ".sluice-progress"
                                                             : o.get_string("progress_topic");
  }

  ~KafkaSink() override { (void)close(); }

  Status write(const Batch& batch) override {
    SLUICE_RETURN_IF_ERROR(connect());
    if (!transactional_id_.empty()) return write_in_transaction(batch);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us_);
    log::KafkaDelivery* delivery = log::KafkaDelivery::begin();
    Produced produced = produce_events(batch, -1, delivery, deadline);
    if (Status s = delivered(produced, delivery->wait(deadline + std::chrono::seconds(1)));
        !s.is_ok())
      return replaced_if_fatal(s);
    stats_.add_in(batch.size());
    stats_.add_out(produced.written);
    stats_.add_bytes_out(produced.bytes);
    stats_.add_error(produced.bad_keys + produced.too_large);
    return Status::ok();
  }

  // Every write waited for its acknowledgements: nothing is held.
  Status flush() override { return Status::ok(); }

  Status close() override {
    if (!producer_) return Status::ok();
    Status result;
    if (rd_kafka_resp_err_t err =
            rd_kafka_flush(producer_->get(), static_cast<int>(timeout_us_ / 1000)))
      result = log::kafka_status(err, subject() + ": flush at close");
    disconnect();
    return result;
  }

 private:
  struct Produced {
    rd_kafka_resp_err_t enqueue_error = RD_KAFKA_RESP_ERR_NO_ERROR;
    size_t bytes = 0;
    uint64_t written = 0, skipped = 0;
    // Events sent without their key or not at all: counted once the write succeeds, so a
    // batch retried is not counted again.
    uint64_t bad_keys = 0, too_large = 0;
    int64_t last_offset = -1;  // the highest log offset among the events produced
  };

  std::string subject() const { return "sink \"" + name_ + "\": topic \"" + topic_ + "\""; }

  // Enqueues every event of the batch at or above `skip_below` (events from no
  // log record always), each tracked by `delivery`; stops at the first event the
  // producer refuses.
  Produced produce_events(const Batch& batch, int64_t skip_below, log::KafkaDelivery* delivery,
                          std::chrono::steady_clock::time_point deadline) {
    Produced out;
    Arena scratch;
    for (const Event& event : batch.events) {
      if (event.offset >= 0 && event.offset < skip_below) {
        ++out.skipped;  // in Kafka already, committed with the progress that says so
        continue;
      }
      value_.clear();
      format::append_json(event.fields, value_);
      const std::string_view key = key_of(event, scratch, &out.bad_keys);
      rd_kafka_headers_t* headers = headers_of(event);
      out.enqueue_error = delivery->produce(producer_->get(), topic_handle_, RD_KAFKA_PARTITION_UA,
                                            key, value_, event.time_us / 1000, headers, deadline);
      if (out.enqueue_error) {
        if (headers) rd_kafka_headers_destroy(headers);
        // No retry can send it; waiting for one would stop the sink for good.
        if (out.enqueue_error == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
          out.enqueue_error = RD_KAFKA_RESP_ERR_NO_ERROR;
          ++out.too_large;
          refuse_too_large(event, batch.origin);
          continue;
        }
        break;
      }
      out.bytes += value_.size();
      ++out.written;
      out.last_offset = std::max(out.last_offset, event.offset);
    }
    return out;
  }

  void refuse_too_large(const Event& event, const BatchOrigin& origin) {
    if (too_large_++ % 1000 == 0) {
      spdlog::error(
          "sink \"{}\": an event of source \"{}\" partition {} offset {} is {} bytes as JSON, "
          "more than the producer's message.max.bytes: not sent ({} so far)",
          name_, origin.source, origin.partition, event.offset, value_.size(), too_large_);
    }
  }

  // Whether every message enqueued is shown stored by its delivery report.
  Status delivered(const Produced& produced, const log::KafkaDelivery::Outcome& out) const {
    if (produced.enqueue_error) return log::kafka_status(produced.enqueue_error, subject());
    if (!out.reported)
      return log::kafka_status(RD_KAFKA_RESP_ERR__TIMED_OUT,
                               subject() + ": not acknowledged in time");
    if (out.error) return log::kafka_status(out.error, subject());
    if (out.unconfirmed > 0) {
      return Status::unavailable(subject() + ": " + std::to_string(out.unconfirmed) +
                                 " messages cannot be shown stored (no offset of their own); "
                                 "retrying the batch");
    }
    return Status::ok();
  }

  // One Kafka transaction per batch: its messages and the progress record of its
  // source partition (sink/kafka/progress.h), so a consumer reading committed
  // messages sees each event once, and a replay after a crash skips what Kafka has.
  Status write_in_transaction(const Batch& batch) {
    const bool from_log = batch.origin.partition >= 0;
    const kafka::SourcePartition where{batch.origin.source, batch.origin.partition};
    if (from_log) SLUICE_RETURN_IF_ERROR(refresh_progress_if_stale(where));
    const auto known = from_log ? progress_.find(where) : progress_.end();
    const int64_t skip_below = known == progress_.end() ? -1 : known->second;
    const bool all_written =
        from_log && !batch.events.empty() &&
        std::all_of(batch.events.begin(), batch.events.end(),
                    [&](const Event& e) { return e.offset >= 0 && e.offset < skip_below; });
    if (all_written || batch.events.empty()) {
      stats_.add_in(batch.size());
      if (all_written) stats_.add_already_written(batch.size());
      return Status::ok();
    }

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us_);
    if (rd_kafka_error_t* e = rd_kafka_begin_transaction(producer_->get()))
      return transaction_failed(e, "begin");
    log::KafkaDelivery* delivery = log::KafkaDelivery::begin();
    Produced produced = produce_events(batch, skip_below, delivery, deadline);
    // The progress record is tracked on its own: offsets of one delivery are told
    // apart by partition only, and it goes to another topic.
    Produced progress;
    log::KafkaDelivery* progress_delivery = log::KafkaDelivery::begin();
    if (!produced.enqueue_error && from_log && produced.last_offset >= 0) {
      progress.enqueue_error = progress_delivery->produce(
          producer_->get(), progress_handle_, RD_KAFKA_PARTITION_UA,
          kafka::progress_key(name_, where), kafka::progress_value(produced.last_offset + 1), 0,
          nullptr, deadline);
    }
    Status s = delivered(produced, delivery->wait(deadline + std::chrono::seconds(1)));
    const Status progress_status =
        delivered(progress, progress_delivery->wait(deadline + std::chrono::seconds(1)));
    if (s.is_ok()) s = progress_status;
    if (!s.is_ok()) {
      abort_transaction();
      return s;
    }
    // At least half the timeout of its own: what the deliveries left may be next to
    // nothing, and a commit cut short ends the transaction and the producer with it.
    // (The transaction's own timeout, below, covers both.)
    SLUICE_RETURN_IF_ERROR(commit_transaction(std::max(
        deadline, std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us_ / 2))));
    if (from_log && produced.last_offset >= 0) progress_[where] = produced.last_offset + 1;
    if (from_log) last_written_us_[where] = steady_now_us();
    stats_.add_in(batch.size());
    stats_.add_out(produced.written);
    stats_.add_bytes_out(produced.bytes);
    stats_.add_error(produced.bad_keys + produced.too_large);
    if (produced.skipped > 0) stats_.add_already_written(produced.skipped);
    return Status::ok();
  }

  Status commit_transaction(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      rd_kafka_error_t* e = rd_kafka_commit_transaction(
          producer_->get(), static_cast<int>(std::max<int64_t>(1, left.count())));
      if (!e) return Status::ok();
      // A retriable failure (a timeout, a coordinator moving) leaves the transaction
      // open for another commit; anything else ends it.
      if (rd_kafka_error_is_retriable(e) && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_error_destroy(e);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      return transaction_failed(e, "commit");
    }
  }

  // Ends the open transaction without its messages. A producer that cannot is
  // dropped: the next one's init_transactions ends the transaction on the brokers.
  void abort_transaction() {
    if (!producer_) return;
    if (rd_kafka_error_t* e =
            rd_kafka_abort_transaction(producer_->get(), static_cast<int>(timeout_us_ / 1000))) {
      spdlog::warn("{}: abort of the transaction failed ({}); reconnecting", subject(),
                   rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
      disconnect();
    }
  }

  // An idempotent producer that lost track of its sequence numbers (or met another
  // fatal error) refuses every message from then on: it is replaced, and the batch is
  // retried by a new one (at-least-once, as after any failed write).
  Status replaced_if_fatal(const Status& failed) {
    const std::string reason = producer_ ? producer_->fatal_error() : "";
    if (reason.empty()) return failed;
    spdlog::error("{}: the producer failed for good ({}); retrying with a new one", subject(),
                  reason);
    disconnect();
    return Status::unavailable(subject() + ": fatal producer error: " + reason);
  }

  // The status of a failed transactional call; takes `e`.
  Status transaction_failed(rd_kafka_error_t* e, const char* step) {
    std::string message = subject() + ": transaction " + step + ": " + rd_kafka_error_string(e);
    const rd_kafka_resp_err_t code = rd_kafka_error_code(e);
    const bool fatal = rd_kafka_error_is_fatal(e);
    const bool needs_abort = rd_kafka_error_txn_requires_abort(e);
    rd_kafka_error_destroy(e);
    if (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
        code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH) {
      message += " (another producer took transactional_id \"" + transactional_id_ +
                 "\": every running sink needs an id of its own)";
    }
    if (fatal)
      disconnect();  // a new producer fences the other one and reads the progress again
    else if (needs_abort)
      abort_transaction();
    else
      disconnect();  // an open transaction in an unknown state: the next producer ends it
    return Status::unavailable(message);
  }

  // Another instance may have written this partition since the progress was read
  // (it owned the partition and died, so its uncommitted tail comes here again):
  // the progress is read again when the partition comes after a pause longer than
  // a consumer group takes to move a dead member's partitions, at most that often.
  Status refresh_progress_if_stale(const kafka::SourcePartition& where) {
    const int64_t now = steady_now_us();
    const auto last = last_written_us_.find(where);
    const bool paused = last == last_written_us_.end() || now - last->second > kStaleAfterUs;
    if (!paused || now - progress_read_us_ <= kStaleAfterUs) return Status::ok();
    return read_progress();
  }

  Status read_progress() {
    auto read = kafka::read_progress(
        {connection_.brokers, connection_.properties, {}, "sink \"" + name_ + "\""},
        progress_topic_, name_,
        std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us_));
    if (!read) return read.status();
    progress_ = std::move(read).value();
    progress_read_us_ = steady_now_us();
    return Status::ok();
  }

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
    // A write enqueues its whole batch, then waits. Without lingering the first
    // messages leave in requests of their own and the rest queue behind the
    // in-flight limit; a few milliseconds let the batch go in large requests
    // (BM_KafkaSinkWrite, docs/benchmarks.md).
    if (!log::has_property(connection_.properties, "linger.ms"))
      settings.required.insert(settings.required.begin(), {"linger.ms", "5"});
    if (!transactional_id_.empty()) {
      settings.required.push_back({"transactional.id", transactional_id_});
      // librdkafka wants a message's timeout within its transaction's; a write's
      // deliveries and its commit take up to twice the timeout together.
      if (!log::has_property(connection_.properties, "transaction.timeout.ms"))
        settings.required.push_back(
            {"transaction.timeout.ms",
             std::to_string(std::max<int64_t>(60'000, 2 * timeout_us_ / 1000 + 2'000))});
    }
    auto made = log::KafkaProducer::make(settings);
    if (!made) return made.status();
    auto rkt = (*made)->topic(topic_);
    if (!rkt) return rkt.status().with_context("sink \"" + name_ + "\"");
    producer_ = std::move(made).value();
    topic_handle_ = *rkt;
    if (transactional_id_.empty()) return Status::ok();
    Status ready = start_transactions();
    if (!ready.is_ok()) disconnect();
    return ready;
  }

  // Registers the transactional id, which fences any earlier producer of it and
  // ends its open transaction, and only then reads the progress: nothing that
  // producer did can change it afterwards.
  Status start_transactions() {
    if (rd_kafka_error_t* e =
            rd_kafka_init_transactions(producer_->get(), static_cast<int>(timeout_us_ / 1000))) {
      Status s = Status::unavailable(subject() + ": init_transactions with transactional_id \"" +
                                     transactional_id_ + "\": " + rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
      return s;
    }
    // Read before the producer names the topic: brokers that create topics on
    // demand would make a missing one, uncompacted.
    SLUICE_RETURN_IF_ERROR(read_progress());
    auto rkt = producer_->topic(progress_topic_);
    if (!rkt) return rkt.status().with_context(subject() + ": progress topic");
    progress_handle_ = *rkt;
    spdlog::info(
        "sink \"{}\": transactional as \"{}\"; progress of {} source partition(s) in \"{}\"", name_,
        transactional_id_, progress_.size(), progress_topic_);
    return Status::ok();
  }

  void disconnect() {
    progress_handle_ = topic_handle_ = nullptr;
    producer_.reset();  // its polling thread, topics and handle
  }

  std::string_view key_of(const Event& event, Arena& scratch, uint64_t* bad_keys) {
    if (!key_) return {};
    Value v;
    std::string error;
    if (!key_->evaluate(event.fields, scratch, &v, &error)) {
      ++*bad_keys;
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
  std::string transactional_id_;  // empty: not transactional
  std::string progress_topic_;
  kafka::Progress progress_;  // what Kafka has of each source partition
  std::map<kafka::SourcePartition, int64_t> last_written_us_;
  int64_t progress_read_us_ = 0;
  // Below the 6 s a Kafka group's session timeout is at least.
  static constexpr int64_t kStaleAfterUs = 5'000'000;
  std::shared_ptr<log::KafkaProducer> producer_;  // with the thread that serves its reports
  rd_kafka_topic_t* topic_handle_ = nullptr;      // owned by producer_
  rd_kafka_topic_t* progress_handle_ = nullptr;   // owned by producer_ (transactional)
  std::string value_, key_text_, header_text_;
  uint64_t key_errors_ = 0;
  uint64_t too_large_ = 0;  // events over message.max.bytes, not sent
};

std::string check_options(const OptionValues& o) {
  if (o.get_string("topic").empty()) return "topic: name the Kafka topic to write to";
  if (!o.get_string("progress_topic").empty() && o.get_string("transactional_id").empty())
    return "progress_topic: only a transactional sink keeps progress; set transactional_id too";
  if (o.get_string("progress_topic") == o.get_string("topic"))
    return "progress_topic: must not be the topic the events go to";
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
      "acknowledged it (with transactional_id: once its transaction committed).";
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
          "retried (with transactional_id, its commit may take half as long again).")
          .at_least(100'000),
      OptionSpec::optional(
          "transactional_id", OptionType::kString, "",
          "Exactly-once into Kafka: each batch is one transaction with this transactional.id, "
          "together with the sink's progress, so consumers reading with "
          "isolation.level=read_committed see every event once, across crashes. Unique per "
          "running sink (e.g. ${HOSTNAME}-shipped); empty: at-least-once."),
      OptionSpec::optional(
          "progress_topic", OptionType::kString, "",
          "With transactional_id: the compacted topic (it must exist) that records how far the "
          "sink's transactions reach into each source partition; empty: <topic>.sluice-progress."),
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

#include "source/kafka.h"

#include <spdlog/spdlog.h>

#include <map>
#include <string_view>

#include "core/config/kafka_options.h"
#include "format/json_reader.h"
#include "log/kafka_client.h"

namespace sluice::source {
namespace {

enum class ValueFormat { kJson, kNdjson, kRaw };
enum class Start { kCommitted, kEarliest, kLatest };

using log::PartitionList;

class KafkaSource final : public Source {
 public:
  KafkaSource(const BuildContext& ctx, KafkaConnection connection)
      : name_(ctx.name()), connection_(std::move(connection)), stats_(ctx.stats) {
    const OptionValues& o = ctx.options();
    topics_ = o.get_strings("topics");
    group_ = o.get_string("group").empty() ? "sluice-" + name_ : o.get_string("group");
    instance_id_ = o.get_string("instance_id");
    const std::string& format = o.get_string("format");
    format_ = format == "ndjson" ? ValueFormat::kNdjson
              : format == "raw"  ? ValueFormat::kRaw
                                 : ValueFormat::kJson;
    const std::string& start = o.get_string("start");
    start_ = start == "earliest" ? Start::kEarliest
             : start == "latest" ? Start::kLatest
                                 : Start::kCommitted;
    raw_field_ = FieldPath::parse(o.get_string("raw_field")).value();
    if (!o.get_string("metadata_field").empty())
      metadata_field_ = FieldPath::parse(o.get_string("metadata_field")).value();
    max_batch_ = static_cast<size_t>(o.get_int("max_batch"));
    linger_us_ = o.get_int("linger");
    event_time_ = event_time_from(o);
    format::JsonLimits limits;
    limits.max_event_bytes = limits.max_body_bytes;  // a message is one body; Kafka bounds its size
    reader_ = std::make_unique<format::JsonReader>(limits);
  }

  Status run(SourceContext& ctx) override {
    log::KafkaClientSettings settings{
        connection_.brokers,
        connection_.properties,
        {{"group.id", group_},
         {"enable.auto.commit", "false"},
         {"enable.auto.offset.store", "false"},
         {"enable.partition.eof", "false"},
         {"auto.offset.reset", start_ == Start::kLatest ? "latest" : "earliest"}},
        "source \"" + name_ + "\""};
    // A static member gets its partitions back at once after a restart; a dynamic
    // one waits until the brokers time the crashed member out (session.timeout.ms,
    // 10 s here unless set, Kafka's default being 45 s).
    if (!instance_id_.empty()) settings.required.push_back({"group.instance.id", instance_id_});
    if (!log::has_property(connection_.properties, "session.timeout.ms"))
      settings.required.insert(settings.required.begin(), {"session.timeout.ms", "10000"});
    auto made = log::make_kafka_client(RD_KAFKA_CONSUMER, settings,
                                       start_ == Start::kCommitted ? nullptr : set_rebalance, this);
    if (!made) return made.status();
    consumer_ = std::move(made).value();
    rd_kafka_poll_set_consumer(consumer_.get());
    PartitionList subscription(rd_kafka_topic_partition_list_new(static_cast<int>(topics_.size())));
    for (const std::string& t : topics_)
      rd_kafka_topic_partition_list_add(subscription.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    if (rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), subscription.get()))
      return log::kafka_status(err, "source \"" + name_ + "\": subscribe");
    spdlog::info("source \"{}\": consuming {} as group \"{}\" from {}", name_, join_topics(),
                 group_, settings.brokers);

    Status result;
    while (!ctx.stopping()) {
      Status s = take_batch(ctx);
      if (!s.is_ok()) {
        result = s;
        break;
      }
    }
    // Leaving the group hands the partitions to the other instances at once.
    rd_kafka_consumer_close(consumer_.get());
    consumer_.reset();
    return result;
  }

 private:
  // Polls up to max_batch messages or linger, appends their events, then commits.
  Status take_batch(SourceContext& ctx) {
    Batch batch;
    batch.origin.source = name_;
    std::map<std::pair<std::string, int32_t>, int64_t> next;  // offsets to commit
    size_t messages = 0;
    const int64_t deadline = steady_now_us() + linger_us_;
    while (messages < max_batch_ && !ctx.stopping()) {
      const int64_t left_us = deadline - steady_now_us();
      if (left_us <= 0 && messages > 0) break;
      rd_kafka_message_t* m = rd_kafka_consumer_poll(
          consumer_.get(), static_cast<int>(std::max<int64_t>(left_us / 1000, 10)));
      if (!m) {
        if (left_us <= 0) break;
        continue;
      }
      if (m->err) {
        Status s = consumer_error(m);
        rd_kafka_message_destroy(m);
        if (!s.is_ok()) return s;
        continue;
      }
      ++messages;
      stats_.add_bytes_in(m->len);
      add_message(*m, batch);
      next[{rd_kafka_topic_name(m->rkt), m->partition}] = m->offset + 1;
      rd_kafka_message_destroy(m);
    }
    if (messages == 0) return Status::ok();
    stats_.add_in(messages);
    const size_t events = batch.size();
    if (!batch.empty()) {
      Status s = ctx.emit(batch);
      if (s.is_ok()) {
        stats_.add_out(events);
        stats_.add_batch();
      } else if (s.code() == StatusCode::kTooLarge) {
        // An event the log cannot take: the others go one by one, without it.
        s = emit_one_by_one(ctx, batch);
      }
      // Not appended: not committed either, so these messages are read again by the
      // next run (or the instance that gets their partitions). Reading on would commit
      // past them with the next batch.
      if (!s.is_ok()) {
        if (ctx.stopping()) return Status::ok();
        return s.with_context("appending messages read from Kafka");
      }
    }
    return commit(next);
  }

  // Each event of `batch` appended on its own; one the log refuses as too large is
  // counted, logged and left out. Events of the batch already appended before it was
  // refused are appended again (at-least-once).
  Status emit_one_by_one(SourceContext& ctx, const Batch& batch) {
    size_t left_out = 0;
    for (const Event& event : batch.events) {
      Batch one = batch.derive();
      one.events.push_back(event);
      Status s = ctx.emit(one);
      if (s.code() != StatusCode::kTooLarge) {
        if (!s.is_ok()) return s;
        continue;
      }
      ++left_out;
      stats_.add_error();
      if (too_large_++ % 1000 == 0)
        spdlog::error("source \"{}\": an event left out: {} ({} so far)", name_, s.message(),
                      too_large_);
    }
    stats_.add_out(batch.size() - left_out);
    stats_.add_batch();
    return Status::ok();
  }

  Status commit(const std::map<std::pair<std::string, int32_t>, int64_t>& next) {
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
    for (const auto& [tp, offset] : next)
      rd_kafka_topic_partition_list_add(list.get(), tp.first.c_str(), tp.second)->offset = offset;
    // A failed commit is not fatal: the next one covers it, a crash before it replays
    // (at-least-once).
    if (rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), 0)) {
      stats_.add_error();
      if (commit_failures_++ % 100 == 0)
        spdlog::warn("source \"{}\": commit to Kafka failed: {} (retried with the next batch)",
                     name_, log::kafka_error_text(err));
    }
    return Status::ok();
  }

  Status consumer_error(const rd_kafka_message_t* m) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return Status::ok();
    char reason[512];
    if (rd_kafka_fatal_error(consumer_.get(), reason, sizeof reason))
      return Status::io_error("source \"" + name_ + "\": fatal Kafka error: " + reason);
    stats_.add_error();
    // Brokers down, topics missing: librdkafka keeps retrying; say so now and then.
    if (client_errors_++ % 100 == 0) {
      spdlog::warn("source \"{}\": {}{}", name_,
                   m->rkt ? std::string(rd_kafka_topic_name(m->rkt)) + ": " : "",
                   log::kafka_error_text(m->err));
    }
    return Status::ok();
  }

  // One message's events, with metadata and event time, into `batch`. What cannot be
  // an event (the value, or one NDJSON line of it, or an event whose time or metadata
  // cannot be set) is counted and left out alone: the message's other events are kept.
  void add_message(const rd_kafka_message_t& m, Batch& batch) {
    const std::string_view value(static_cast<const char*>(m.payload), m.payload ? m.len : 0);
    const size_t first = batch.events.size();
    std::vector<std::string> problems;
    if (format_ == ValueFormat::kRaw) {
      if (format::find_invalid_utf8(value) != std::string_view::npos) {
        problems.push_back("the value is not UTF-8 text");
      } else {
        auto event = set_path(batch.arena(), Value::object(nullptr, 0), raw_field_,
                              Value::string(batch.arena().copy_string(value)));
        if (event)
          batch.events.push_back(Event{*event, 0, -1});
        else
          problems.push_back(event.status().message());
      }
    } else {
      std::vector<format::JsonError> errors;
      Status s = reader_->read_events(
          value,
          format_ == ValueFormat::kJson ? format::BodyFormat::kObject : format::BodyFormat::kNdjson,
          batch, &errors);
      if (!s.is_ok()) {
        batch.events.resize(first);
        problems.push_back(s.message());
      } else {
        for (const format::JsonError& e : errors) problems.push_back(e.message);
        if (errors.empty() && batch.events.size() == first)
          problems.push_back("the value holds no event");
      }
    }
    rd_kafka_timestamp_type_t type;
    const int64_t ms = rd_kafka_message_timestamp(&m, &type);
    size_t kept = first;
    for (size_t i = first; i < batch.events.size(); ++i) {
      Event& e = batch.events[i];
      if (ms > 0) e.time_us = ms * 1000;
      if (event_time_) {
        if (Status s = event_time_->apply(e); !s.is_ok()) {
          problems.push_back(s.message());
          continue;
        }
      }
      if (metadata_field_) {
        auto with =
            set_path(batch.arena(), e.fields, *metadata_field_, metadata(m, ms, batch.arena()));
        if (!with) {
          problems.push_back(with.status().message());
          continue;
        }
        e.fields = *with;
      }
      batch.events[kept++] = e;
    }
    batch.events.resize(kept);
    for (const std::string& problem : problems) {
      stats_.add_error();
      if (bad_events_++ % 1000 == 0) {
        spdlog::warn("source \"{}\": topic {} partition {} offset {}: {} (skipped; {} so far)",
                     name_, rd_kafka_topic_name(m.rkt), m.partition, m.offset, problem,
                     bad_events_);
      }
    }
  }

  // {topic, partition, offset, timestamp, key, headers}; keys and header values that are not UTF-8
  // are null.
  static Value metadata(const rd_kafka_message_t& m, int64_t ms, Arena& arena) {
    auto text = [&](const void* data, size_t size) {
      const std::string_view v(static_cast<const char*>(data), data ? size : 0);
      if (!data || format::find_invalid_utf8(v) != std::string_view::npos) return Value::null();
      return Value::string(arena.copy_string(v));
    };
    static const FieldId kTopic = FieldNames::intern("topic"),
                         kPartition = FieldNames::intern("partition"),
                         kOffset = FieldNames::intern("offset"),
                         kTimestamp = FieldNames::intern("timestamp"),
                         kKey = FieldNames::intern("key"), kHeaders = FieldNames::intern("headers");
    rd_kafka_headers_t* headers = nullptr;
    size_t header_count = 0;
    if (rd_kafka_message_headers(&m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR)
      header_count = rd_kafka_header_cnt(headers);
    Field* header_fields = arena.allocate_array<Field>(header_count);
    size_t kept = 0;
    for (size_t i = 0; i < header_count; ++i) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      if (rd_kafka_header_get_all(headers, i, &name, &value, &size)) continue;
      const FieldId id = FieldNames::intern(name);
      if (id == kInvalidFieldId) continue;
      header_fields[kept++] = Field{id, text(value, size)};
    }
    Field* fields = arena.allocate_array<Field>(6);
    fields[0] = Field{kTopic, Value::string(arena.copy_string(rd_kafka_topic_name(m.rkt)))};
    fields[1] = Field{kPartition, Value::integer(m.partition)};
    fields[2] = Field{kOffset, Value::integer(m.offset)};
    fields[3] = Field{kTimestamp, ms > 0 ? Value::timestamp(ms * 1000) : Value::null()};
    fields[4] = Field{kKey, text(m.key, m.key_len)};
    fields[5] = Field{kHeaders, Value::object(header_fields, static_cast<uint32_t>(kept))};
    return Value::object(fields, 6);
  }

  // start: earliest / latest — the partitions of this run's first share begin at that
  // end, whatever was committed. Partitions that move here later in the run (from an
  // instance that left or restarted) continue from the group's commit, which their
  // last owner made: resetting them would skip (latest) or replay (earliest) what it
  // had not read yet. Without a commit they begin at the same end (auto.offset.reset).
  static void set_rebalance(rd_kafka_conf_t* conf, void* self) {
    rd_kafka_conf_set_opaque(conf, self);
    rd_kafka_conf_set_rebalance_cb(
        conf,
        [](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
           void* opaque) { static_cast<KafkaSource*>(opaque)->rebalanced(rk, err, partitions); });
  }

  void rebalanced(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* partitions) {
    // A cooperative assignor (partition.assignment.strategy in properties) moves
    // partitions one by one and takes only incremental calls.
    const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    rd_kafka_error_t* error = nullptr;
    rd_kafka_resp_err_t eager_error = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative)
        error = rd_kafka_incremental_unassign(rk, partitions);
      else
        eager_error = rd_kafka_assign(rk, nullptr);
    } else {
      if (!first_share_taken_) {
        for (int i = 0; i < partitions->cnt; ++i)
          partitions->elems[i].offset =
              start_ == Start::kEarliest ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
        first_share_taken_ = partitions->cnt > 0;
      }
      if (cooperative)
        error = rd_kafka_incremental_assign(rk, partitions);
      else
        eager_error = rd_kafka_assign(rk, partitions);
    }
    const std::string problem = error         ? rd_kafka_error_string(error)
                                : eager_error ? log::kafka_error_text(eager_error)
                                              : "";
    if (error) rd_kafka_error_destroy(error);
    if (!problem.empty()) {
      stats_.add_error();
      spdlog::error("source \"{}\": taking the group's new share of partitions failed: {}", name_,
                    problem);
    }
  }

  std::string join_topics() const {
    std::string out;
    for (const std::string& t : topics_) out += (out.empty() ? "" : ", ") + t;
    return out;
  }

  std::string name_;
  KafkaConnection connection_;
  observe::ComponentStats& stats_;
  std::vector<std::string> topics_;
  std::string group_;
  std::string instance_id_;
  ValueFormat format_ = ValueFormat::kJson;
  Start start_ = Start::kCommitted;
  FieldPath raw_field_;
  std::optional<FieldPath> metadata_field_;
  size_t max_batch_ = 10000;
  int64_t linger_us_ = 50'000;
  std::optional<EventTime> event_time_;
  std::unique_ptr<format::JsonReader> reader_;
  log::KafkaHandle consumer_;
  bool first_share_taken_ = false;  // start: earliest/latest applies to the first share only
  uint64_t bad_events_ = 0, too_large_ = 0, client_errors_ = 0, commit_failures_ = 0;
};

std::string check_options(const OptionValues& o) {
  if (o.get_strings("topics").empty()) return "topics: name at least one Kafka topic to consume";
  for (const char* name : {"raw_field", "metadata_field"}) {
    if (o.get_string(name).empty()) continue;
    if (auto path = FieldPath::parse(o.get_string(name)); !path)
      return std::string(name) + ": " + path.status().message();
  }
  return check_event_time_options(o);
}

// On the log's own cluster, the topic the source appends to must not be one it
// consumes: every event would come back to it, forever.
Status check_not_own_log_topic(const BuildContext& ctx, const KafkaConnection& connection) {
  const OptionValues& log = ctx.pipeline.log;
  if (!log.has("type") || log.get_string("type") != "kafka" ||
      log.get_string("brokers") != connection.brokers)
    return Status::ok();
  const std::string& topic = ctx.options().get_string("topic");
  const std::string& appends_to = topic.empty() ? ctx.name() : topic;
  for (const std::string& t : ctx.options().get_strings("topics")) {
    if (t == appends_to) {
      return Status::invalid(
          "source \"" + ctx.name() + "\": appends to log topic \"" + appends_to +
          "\" on the Kafka cluster it consumes \"" + t +
          "\" from: its events would come back to it; set topic: to another name");
    }
  }
  return Status::ok();
}

}  // namespace

SourceType kafka_source_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSource;
  spec.type = "kafka";
  spec.summary =
      "Consumes Kafka topics (JSON, NDJSON or raw values); commits to Kafka only once the events "
      "are durable in "
      "the log.";
  spec.options = kafka_connection_options();
  const std::vector<OptionSpec> own = {
      OptionSpec::required_option("topics", OptionType::kStringList, "Kafka topics to consume."),
      OptionSpec::optional(
          "group", OptionType::kString, "",
          "Kafka consumer group; instances with the same group share the partitions. Empty: "
          "sluice-<source name>."),
      OptionSpec::optional(
          "instance_id", OptionType::kString, "",
          "Static group membership (group.instance.id), unique per instance: a restarted "
          "instance gets its partitions back at once. Empty: after a crash its partitions wait "
          "for the session timeout (10 s)."),
      OptionSpec::optional(
          "format", OptionType::kEnum, "json",
          "What a message's value holds: json (one object), ndjson (one object per line) or raw "
          "(text, stored in raw_field).")
          .one_of({"json", "ndjson", "raw"}),
      OptionSpec::optional("raw_field", OptionType::kString, ".message",
                           "With format raw: the field of the text."),
      OptionSpec::optional(
          "metadata_field", OptionType::kString, "",
          "Field that gets the message's topic, partition, offset, timestamp, key and headers "
          "(e.g. ._kafka); empty: none."),
      OptionSpec::optional(
          "start", OptionType::kEnum, "committed",
          "Where to begin: committed (the group's commits; earliest where it has none), earliest "
          "or latest (the partitions an instance gets first when it starts, whatever was "
          "committed; partitions that move to it later continue from the group's commit).")
          .one_of({"committed", "earliest", "latest"}),
      OptionSpec::optional("max_batch", OptionType::kInt, "10000",
                           "Messages appended to the log at a time at most.")
          .between(1, 1'000'000),
      OptionSpec::optional("linger", OptionType::kDuration, "50ms",
                           "How long a batch waits for more messages before it is appended.")
          .at_least(1000),
  };
  spec.options.insert(spec.options.end(), own.begin(), own.end());
  for (OptionSpec& option : event_time_options()) spec.options.push_back(std::move(option));
  spec.check = check_options;
  return SourceType{std::move(spec),
                    [](const BuildContext& ctx) -> Result<std::unique_ptr<Source>> {
                      auto connection = kafka_connection(ctx.config, ctx.pipeline);
                      if (!connection) return connection.status();
                      SLUICE_RETURN_IF_ERROR(check_not_own_log_topic(ctx, *connection));
                      return std::unique_ptr<Source>(
                          std::make_unique<KafkaSource>(ctx, std::move(connection).value()));
                    }};
}

}  // namespace sluice::source

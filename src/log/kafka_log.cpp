#include "log/kafka_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/time.h"
#include "log/kafka_group_member.h"

namespace sluice::log {

namespace {

const char* kafka_codec(Codec codec) {
  switch (codec) {
    case Codec::kZstd:
      return "zstd";
    case Codec::kLz4:
      return "lz4";
    case Codec::kNone:
      break;
  }
  return "none";
}

}  // namespace

// Where one partition's fetching stands: started at an offset, it prefetches from
// there; a read elsewhere restarts it there.
struct KafkaLog::PartitionReader {
  std::mutex mutex;
  bool started = false;
  int64_t next = 0;
  int64_t last_read_us = 0;  // steady clock
};

Result<std::unique_ptr<KafkaLog>> KafkaLog::open(KafkaLogOptions options) {
  if (options.brokers.empty())
    return Status::invalid("log: type kafka needs brokers (host:port,...)");
  std::unique_ptr<KafkaLog> log(new KafkaLog(std::move(options)));
  SLUICE_RETURN_IF_ERROR(log->start());
  return log;
}

Status KafkaLog::start() {
  const std::string timeout = std::to_string(timeout_ms());
  KafkaClientSettings producer{options_.brokers,
                               options_.properties,
                               {{"enable.idempotence", "true"},
                                {"acks", "all"},
                                {"message.timeout.ms", timeout},
                                {"allow.auto.create.topics", "false"}},
                               "log"};
  // No linger: an append waits for its acknowledgement, so lingering only adds
  // latency; while requests are in flight, concurrent appends still share them.
  if (!has_property(options_.properties, "linger.ms") &&
      !has_property(options_.properties, "queue.buffering.max.ms"))
    producer.required.insert(producer.required.begin(), {"linger.ms", "0"});
  producer_settings_ = producer;
  auto producer_made = KafkaProducer::make(producer_settings_);
  if (!producer_made) return producer_made.status();
  producer_ = std::move(producer_made).value();

  KafkaClientSettings consumer{options_.brokers,
                               options_.properties,
                               {{"enable.auto.commit", "false"},
                                {"enable.auto.offset.store", "false"},
                                {"enable.partition.eof", "false"},
                                {"auto.offset.reset", "earliest"},
                                {"allow.auto.create.topics", "false"}},
                               "log"};
  // Bounded prefetch per partition keeps memory flat while a sink is slow,
  // and a short fetch wait keeps delivery latency low; both are the user's to change.
  if (!has_property(options_.properties, "queued.max.messages.kbytes"))
    consumer.required.insert(consumer.required.begin(), {"queued.max.messages.kbytes", "16384"});
  if (!has_property(options_.properties, "fetch.wait.max.ms"))
    consumer.required.insert(consumer.required.begin(), {"fetch.wait.max.ms", "100"});
  auto made = make_kafka_client(RD_KAFKA_CONSUMER, consumer);
  if (!made) return made.status();
  consumer_ = std::move(made).value();

  // Stopping a read waits for its reader, which may be in a read for as long as the
  // timeout (a leader out of reach): on the producer's polling thread that would hold
  // up the delivery reports of every append.
  sweeper_ = std::thread([this] {
    int64_t next_sweep = steady_now_us() + 1'000'000;
    while (!stopping_.load(std::memory_order_relaxed)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (steady_now_us() < next_sweep) continue;
      stop_idle_reads();
      next_sweep = steady_now_us() + 1'000'000;
    }
  });
  if (!options_.group.empty()) known_groups_.insert(options_.group);
  return Status::ok();
}

KafkaLog::KafkaLog(KafkaLogOptions options) : options_(std::move(options)) {}

KafkaLog::~KafkaLog() {
  (void)close();
}

Status KafkaLog::close() {
  std::lock_guard lock(close_mutex_);
  if (closed_) return Status::ok();
  closed_ = true;
  Status result;
  if (std::shared_ptr<KafkaProducer> p = producer()) {
    const rd_kafka_resp_err_t err = rd_kafka_flush(p->get(), timeout_ms());
    if (err) result = kafka_status(err, "log: flushing the producer at close");
  }
  stopping_ = true;
  if (sweeper_.joinable()) sweeper_.join();
  {
    std::lock_guard topics(topics_mutex_);
    for (auto& [key, reader] : readers_) {
      if (!reader->started) continue;
      if (auto it = consumer_topics_.find(key.first); it != consumer_topics_.end())
        rd_kafka_consume_stop(it->second.get(), key.second);
    }
    readers_.clear();
    consumer_topics_.clear();
  }
  {
    std::lock_guard groups(groups_mutex_);
    group_clients_.clear();
  }
  consumer_.reset();
  {
    std::lock_guard lock(producer_mutex_);
    producer_.reset();
  }
  return result;
}

std::shared_ptr<KafkaProducer> KafkaLog::producer() const {
  std::lock_guard lock(producer_mutex_);
  return producer_;
}

Status KafkaLog::replace_if_failed(const std::shared_ptr<KafkaProducer>& used, Status failed) {
  const std::string reason = used->fatal_error();
  if (reason.empty()) return failed;
  std::lock_guard lock(producer_mutex_);
  // Replaced by another append meanwhile, or the log is closing.
  if (producer_ != used || stopping_.load())
    return Status::unavailable(failed.message() + "; retry");
  auto fresh = KafkaProducer::make(producer_settings_);
  if (!fresh) return fresh.status().with_context("log: replacing the failed producer");
  producer_ = std::move(fresh).value();
  spdlog::error("log: the producer failed for good ({}); a new one takes the next appends", reason);
  return Status::unavailable(failed.message() + " (the producer failed for good: " + reason +
                             "); a new producer takes the retry");
}

Result<rd_kafka_topic_t*> KafkaLog::producer_topic(KafkaProducer& producer,
                                                   const std::string& topic) {
  Codec codec = Codec::kNone;
  {
    std::lock_guard lock(topics_mutex_);
    if (auto it = codecs_.find(topic); it != codecs_.end()) codec = it->second;
  }
  auto rkt = producer.topic(topic, kafka_codec(codec));
  if (!rkt) return rkt.status().with_context("log");
  return rkt;
}

Result<rd_kafka_topic_t*> KafkaLog::consumer_topic(const std::string& topic) {
  std::lock_guard lock(topics_mutex_);
  if (auto it = consumer_topics_.find(topic); it != consumer_topics_.end()) return it->second.get();
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(consumer_.get(), topic.c_str(), nullptr);
  if (!rkt) return kafka_status(rd_kafka_last_error(), "log: topic \"" + topic + "\"");
  consumer_topics_.emplace(topic, KafkaTopicHandle(rkt));
  return rkt;
}

KafkaLog::PartitionReader& KafkaLog::reader_for(const std::string& topic, int32_t partition) {
  std::lock_guard lock(topics_mutex_);
  auto& reader = readers_[{topic, partition}];
  if (!reader) reader = std::make_unique<PartitionReader>();
  return *reader;
}

Result<int32_t> KafkaLog::partition_count(const std::string& topic) {
  return topic_partition_count(producer()->get(), topic, "log", timeout_ms());
}

Status KafkaLog::ensure_topic(const TopicConfig& config) {
  const std::string subject = "log: topic \"" + config.name + "\"";
  if (!config.encryption_key.empty()) {
    return Status::invalid(
        subject +
        ": encryption_key encrypts the embedded log's files; with log type kafka, "
        "encrypt on the wire with TLS (properties: security.protocol: ssl) and at "
        "rest with the brokers' storage encryption");
  }
  {
    std::lock_guard lock(topics_mutex_);
    codecs_[config.name] = config.codec;
  }
  auto count = partition_count(config.name);
  if (!count) return count.status();
  if (*count < 0) {
    SLUICE_RETURN_IF_ERROR(create_topic(config));
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(options_.timeout_us);
    do {
      count = partition_count(config.name);
      if (!count) return count.status();
      if (*count >= 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    if (*count < 0)
      return Status(StatusCode::kUnavailable,
                    subject + ": created, but the brokers do not list it yet");
  }
  if (*count != config.partitions) {
    return Status::invalid(
        subject + " has " + std::to_string(*count) + " partitions in Kafka, the pipeline says " +
        std::to_string(config.partitions) +
        "; changing the count would move keys to other partitions: set partitions: " +
        std::to_string(*count) + " or use a new topic");
  }
  return Status::ok();
}

Status KafkaLog::create_topic(const TopicConfig& config) {
  const std::string subject = "log: topic \"" + config.name + "\"";
  char error[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(
      config.name.c_str(), config.partitions, options_.replication_factor, error, sizeof error);
  if (!topic) return Status::invalid(subject + ": " + error);
  // Retention and segments as the topic's settings say, in the brokers' units.
  auto set = [&](const char* name, int64_t value) {
    rd_kafka_NewTopic_set_config(topic, name, std::to_string(value).c_str());
  };
  if (config.compacted) {
    rd_kafka_NewTopic_set_config(topic, "cleanup.policy", "compact");
  } else {
    set("retention.ms", config.retention_age_us < 0 ? -1 : config.retention_age_us / 1000);
    set("retention.bytes", config.retention_bytes);
  }
  set("segment.bytes", config.segment_bytes);
  set("segment.ms", config.segment_age_us / 1000);

  const std::shared_ptr<KafkaProducer> producer = this->producer();
  rd_kafka_queue_t* queue = rd_kafka_queue_new(producer->get());
  rd_kafka_AdminOptions_t* admin =
      rd_kafka_AdminOptions_new(producer->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(admin, timeout_ms(), error, sizeof error);
  rd_kafka_AdminOptions_set_operation_timeout(admin, timeout_ms(), error, sizeof error);
  rd_kafka_CreateTopics(producer->get(), &topic, 1, admin, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout_ms() + 1000);
  Status result;
  if (!event) {
    result = Status(StatusCode::kUnavailable,
                    subject + " does not exist and the brokers did not answer its creation");
  } else if (rd_kafka_event_error(event)) {
    result = kafka_status(rd_kafka_event_error(event),
                          subject + " does not exist and could not be created");
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &n);
    for (size_t i = 0; i < n; ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* why = rd_kafka_topic_result_error_string(results[i]);
        result = Status(StatusCode::kIoError,
                        subject + " does not exist and could not be created: " +
                            (why ? why : kafka_error_text(err)) + "; create it with " +
                            std::to_string(config.partitions) + " partitions" +
                            (config.compacted ? " and cleanup.policy=compact" : ""));
      }
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(admin);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
  if (result.is_ok()) spdlog::info("{} created with {} partitions", subject, config.partitions);
  return result;
}

Result<AppendResult> KafkaLog::append(const std::string& topic, int32_t partition,
                                      std::span<const Record> records) {
  if (records.empty()) return Status::invalid("log: append of no records to \"" + topic + "\"");
  const std::shared_ptr<KafkaProducer> producer = this->producer();
  auto rkt = producer_topic(*producer, topic);
  if (!rkt) return rkt.status();
  std::mutex* partition_lock;
  {
    std::lock_guard lock(topics_mutex_);
    auto& m = append_locks_[{topic, partition}];
    if (!m) m = std::make_unique<std::mutex>();
    partition_lock = m.get();
  }
  // Named only when something fails: appends are the hot path.
  auto subject = [&] {
    return "log: append to \"" + topic + "\" partition " + std::to_string(partition);
  };
  KafkaDelivery* delivery = KafkaDelivery::begin();
  rd_kafka_resp_err_t enqueue_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(options_.timeout_us);
  {
    // Under the partition's lock, so the records of one call are consecutive there.
    std::lock_guard lock(*partition_lock);
    for (const Record& r : records) {
      enqueue_error = delivery->produce(producer->get(), *rkt, partition, r.key, r.value,
                                        r.timestamp_us / 1000, nullptr, deadline);
      if (enqueue_error) break;
    }
  }
  // Records still queued at the deadline expire with it (message.timeout.ms); one
  // already in flight may still reach Kafka: the caller's retry makes it a duplicate,
  // never a loss.
  const KafkaDelivery::Outcome out = delivery->wait(deadline + std::chrono::seconds(1));
  if (enqueue_error) return replace_if_failed(producer, kafka_status(enqueue_error, subject()));
  if (!out.reported)
    return kafka_status(RD_KAFKA_RESP_ERR__TIMED_OUT, subject() + ": not acknowledged in time");
  if (out.error) return replace_if_failed(producer, kafka_status(out.error, subject()));
  if (out.unconfirmed > 0) {
    spdlog::warn(
        "{}: {} of {} records were reported delivered without an offset of their own; "
        "refused so the producer retries (kafka_client.h unconfirmed)",
        subject(), out.unconfirmed, out.produced);
    return Status::unavailable(subject() + ": " + std::to_string(out.unconfirmed) + " of " +
                               std::to_string(out.produced) +
                               " records cannot be shown stored (no offset of their own); retry");
  }
  if (out.last_offset - out.first_offset + 1 != static_cast<int64_t>(out.produced)) {
    // Only an outside producer writing to the same partition meanwhile can do this.
    spdlog::warn("{}: {} records got offsets {}..{}, not consecutive", subject(), out.produced,
                 out.first_offset, out.last_offset);
  }
  return AppendResult{out.first_offset, out.last_offset};
}

Result<ReadResult> KafkaLog::read(const std::string& topic, int32_t partition, int64_t offset,
                                  size_t max_bytes, int64_t max_wait_us) {
  auto rkt = consumer_topic(topic);
  if (!rkt) return rkt.status();
  PartitionReader& reader = reader_for(topic, partition);
  std::lock_guard lock(reader.mutex);
  reader.last_read_us = steady_now_us();
  auto subject = [&] {
    return "log: read of \"" + topic + "\" partition " + std::to_string(partition);
  };
  const bool restarted = !reader.started || reader.next != offset;
  if (restarted) {
    if (reader.started) rd_kafka_consume_stop(*rkt, partition);
    reader.started = false;
    if (rd_kafka_consume_start(*rkt, partition, offset < 0 ? RD_KAFKA_OFFSET_BEGINNING : offset) ==
        -1)
      return kafka_status(rd_kafka_last_error(), subject());
    reader.started = true;
    reader.next = offset;
  }
  // Records prefetched so far; when there are none here but the partition holds some
  // past `offset` (or its end is not known yet), give the fetch a moment to bring them.
  const size_t capacity = std::clamp<size_t>(max_bytes / 128, 16, 8192);
  std::vector<rd_kafka_message_t*> messages(capacity);
  int wait_ms = static_cast<int>(max_wait_us / 1000);
  ssize_t n = rd_kafka_consume_batch(*rkt, partition, 0, messages.data(), capacity);
  int64_t low = 0;
  if (n == 0) {
    int64_t high = RD_KAFKA_OFFSET_INVALID;
    // The watermarks the last fetch saw; a fetch (re)started just now has none newer than the
    // stop, which may be long ago.
    if (!restarted)
      rd_kafka_get_watermark_offsets(consumer_.get(), topic.c_str(), partition, &low, &high);
    // Not fetched yet: ask the leader (one round trip, on the producer's connections, which no
    // fetch holds up) rather than wait for a fetch of an empty partition.
    if (high == RD_KAFKA_OFFSET_INVALID &&
        rd_kafka_query_watermark_offsets(producer()->get(), topic.c_str(), partition, &low, &high,
                                         timeout_ms()))
      high = RD_KAFKA_OFFSET_INVALID;
    if (high == RD_KAFKA_OFFSET_INVALID || high > offset) wait_ms = std::max(wait_ms, 1000);
    // The first record ends the wait (a batch call would wait for a full batch), the rest come
    // without one.
    if (wait_ms > 0) {
      if (rd_kafka_message_t* m = rd_kafka_consume(*rkt, partition, wait_ms)) {
        messages[0] = m;
        const ssize_t more =
            rd_kafka_consume_batch(*rkt, partition, 0, messages.data() + 1, capacity - 1);
        n = 1 + std::max<ssize_t>(more, 0);
      }
    }
  }
  if (n < 0) return kafka_status(rd_kafka_last_error(), subject());

  ReadResult result;
  result.next_offset = offset;
  size_t bytes = 0;
  for (ssize_t i = 0; i < n; ++i) bytes += messages[i]->len + messages[i]->key_len;
  auto storage = std::make_unique<std::string>();
  storage->reserve(bytes);
  std::vector<std::pair<size_t, size_t>>
      spans;  // key at, value at: views once storage stops growing
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (ssize_t i = 0; i < n; ++i) {
    const rd_kafka_message_t* m = messages[i];
    if (m->err) {
      // End of partition is not an error; a reset past retention continues at the start by itself.
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF &&
          m->err != RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE && !error)
        error = m->err;
      continue;
    }
    ReadRecord record;
    record.offset = m->offset;
    rd_kafka_timestamp_type_t type;
    const int64_t ms = rd_kafka_message_timestamp(m, &type);
    record.timestamp_us = ms < 0 ? 0 : ms * 1000;
    spans.emplace_back(storage->size(), m->key_len);
    storage->append(static_cast<const char*>(m->key), m->key_len);
    spans.emplace_back(storage->size(), m->len);
    storage->append(static_cast<const char*>(m->payload), m->len);
    result.records.push_back(record);
    result.next_offset = m->offset + 1;
  }
  for (ssize_t i = 0; i < n; ++i) rd_kafka_message_destroy(messages[i]);
  for (size_t i = 0; i < result.records.size(); ++i) {
    result.records[i].key =
        std::string_view(storage->data() + spans[2 * i].first, spans[2 * i].second);
    result.records[i].value =
        std::string_view(storage->data() + spans[2 * i + 1].first, spans[2 * i + 1].second);
  }
  result.storage.push_back(std::move(storage));
  // Retention removed every record from `offset` on (a reader that fell behind it, on a
  // partition with nothing newer): librdkafka resets to the start and has nothing to
  // give. Continue at the start, as the interface says, or the reader would wait at an
  // offset that no longer exists, its backlog never shrinking.
  if (result.records.empty() && low > offset) result.next_offset = low;
  reader.next = result.next_offset;
  if (error && result.records.empty()) return kafka_status(error, subject());
  return result;
}

Result<std::unique_ptr<GroupMembership>> KafkaLog::join(const std::string& group,
                                                        const std::vector<std::string>& topics,
                                                        GroupListener& listener) {
  KafkaClientSettings base{options_.brokers, options_.properties, {}, "log"};
  auto member = KafkaGroupMember::join(
      base, group, topics, listener,
      [this](const std::vector<TopicPartition>& released) { stop_reading(released); });
  if (!member) return member.status();
  return std::unique_ptr<GroupMembership>(std::move(member).value());
}

void KafkaLog::stop_reading(const std::vector<TopicPartition>& partitions) {
  for (const TopicPartition& tp : partitions) {
    PartitionReader* reader = nullptr;
    rd_kafka_topic_t* rkt = nullptr;
    {
      std::lock_guard lock(topics_mutex_);
      auto found = readers_.find({tp.topic, tp.partition});
      auto topic = consumer_topics_.find(tp.topic);
      if (found == readers_.end() || topic == consumer_topics_.end()) continue;
      reader = found->second.get();
      rkt = topic->second.get();
    }
    std::lock_guard lock(reader->mutex);
    if (reader->started) rd_kafka_consume_stop(rkt, tp.partition);
    reader->started = false;
  }
}

void KafkaLog::stop_idle_reads() {
  const int64_t now = steady_now_us();
  std::vector<TopicPartition> idle;
  {
    std::lock_guard lock(topics_mutex_);
    for (const auto& [key, reader] : readers_) {
      std::unique_lock busy(reader->mutex, std::try_to_lock);
      if (busy.owns_lock() && reader->started &&
          now - reader->last_read_us >= options_.idle_read_stop_us)
        idle.push_back({key.first, key.second});
    }
  }
  if (!idle.empty()) stop_reading(idle);
}

Result<rd_kafka_t*> KafkaLog::group_client(const std::string& group) {
  std::lock_guard lock(groups_mutex_);
  known_groups_.insert(group);
  if (auto it = group_clients_.find(group); it != group_clients_.end()) return it->second.get();
  KafkaClientSettings settings{
      options_.brokers,
      options_.properties,
      {{"group.id", group}, {"enable.auto.commit", "false"}, {"allow.auto.create.topics", "false"}},
      "log: group \"" + group + "\""};
  auto made = make_kafka_client(RD_KAFKA_CONSUMER, settings);
  if (!made) return made.status();
  rd_kafka_t* rk = made->get();
  group_clients_.emplace(group, std::move(made).value());
  return rk;
}

Status KafkaLog::commit(const std::string& group, const std::string& topic,
                        std::span<const std::pair<int32_t, int64_t>> offsets) {
  if (offsets.empty()) return Status::ok();
  auto rk = group_client(group);
  if (!rk) return rk.status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [partition, next] : offsets)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = next;
  const std::string subject = "log: commit of group \"" + group + "\" on \"" + topic + "\"";
  if (rd_kafka_resp_err_t err = rd_kafka_commit(*rk, list.get(), 0))
    return kafka_status(err, subject);
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err)
      return kafka_status(list->elems[i].err,
                          subject + " partition " + std::to_string(list->elems[i].partition));
  }
  return Status::ok();
}

Result<int64_t> KafkaLog::committed(const std::string& group, const std::string& topic,
                                    int32_t partition) {
  auto rk = group_client(group);
  if (!rk) return rk.status();
  PartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  const std::string subject = "log: committed offset of group \"" + group + "\" on \"" + topic +
                              "\" partition " + std::to_string(partition);
  if (rd_kafka_resp_err_t err = rd_kafka_committed(*rk, list.get(), timeout_ms()))
    return kafka_status(err, subject);
  if (list->elems[0].err) return kafka_status(list->elems[0].err, subject);
  if (list->elems[0].offset >= 0) return list->elems[0].offset;
  int64_t low = 0, high = 0;
  if (rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
          producer()->get(), topic.c_str(), partition, &low, &high, timeout_ms()))
    return kafka_status(err, subject);
  return low;
}

Status KafkaLog::query_offsets(std::vector<TopicInfo>& topics) {
  // Two requests per leader (the earliest and the latest offsets of all partitions at once),
  // and on the producer's connections: the reader's carry fetches that wait up to
  // fetch.wait.max.ms for records, and a request queued behind one waits as long.
  for (const int64_t which : {RD_KAFKA_OFFSET_BEGINNING, RD_KAFKA_OFFSET_END}) {
    PartitionList list(rd_kafka_topic_partition_list_new(1));
    for (const TopicInfo& t : topics) {
      for (const PartitionInfo& p : t.partitions)
        rd_kafka_topic_partition_list_add(list.get(), t.config.name.c_str(), p.partition)->offset =
            which;
    }
    if (list->cnt == 0) return Status::ok();
    if (rd_kafka_resp_err_t err =
            rd_kafka_offsets_for_times(producer()->get(), list.get(), timeout_ms()))
      return kafka_status(err, "log: offsets of the topics");
    size_t i = 0;
    for (TopicInfo& t : topics) {
      for (PartitionInfo& p : t.partitions) {
        const rd_kafka_topic_partition_t& e = list->elems[i++];
        if (e.err)
          return kafka_status(e.err, "log: offsets of \"" + t.config.name + "\" partition " +
                                         std::to_string(p.partition));
        (which == RD_KAFKA_OFFSET_BEGINNING ? p.start_offset : p.end_offset) = e.offset;
      }
    }
  }
  return Status::ok();
}

Result<std::vector<TopicInfo>> KafkaLog::topics() {
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_resp_err_t err =
          rd_kafka_metadata(producer()->get(), 1, nullptr, &metadata, timeout_ms()))
    return kafka_status(err, "log: listing topics");
  std::set<std::string> ensured;
  {
    std::lock_guard lock(topics_mutex_);
    for (const auto& [name, codec] : codecs_) ensured.insert(name);
  }
  std::vector<TopicInfo> topics;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (t.err || std::string_view(t.topic).starts_with("__")) continue;  // Kafka's own topics
    if (!ensured.empty() && !ensured.count(t.topic)) continue;
    TopicInfo info;
    info.config.name = t.topic;
    info.config.partitions = t.partition_cnt;
    for (int p = 0; p < t.partition_cnt; ++p) {
      PartitionInfo part;
      part.partition = t.partitions[p].id;
      // Kafka does not tell a client a partition's bytes or segments: -1 says "not known".
      part.bytes = -1;
      part.segments = -1;
      info.partitions.push_back(part);
    }
    std::sort(
        info.partitions.begin(), info.partitions.end(),
        [](const PartitionInfo& a, const PartitionInfo& b) { return a.partition < b.partition; });
    topics.push_back(std::move(info));
  }
  rd_kafka_metadata_destroy(metadata);
  SLUICE_RETURN_IF_ERROR(query_offsets(topics));
  std::sort(topics.begin(), topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.config.name < b.config.name; });
  return topics;
}

Result<std::vector<GroupOffset>> KafkaLog::group_offsets(const std::string& group) {
  std::vector<std::string> groups;
  if (!group.empty()) {
    groups.push_back(group);
  } else {
    std::lock_guard lock(groups_mutex_);
    groups.assign(known_groups_.begin(), known_groups_.end());
  }
  auto topics = this->topics();
  if (!topics) return topics.status();
  std::vector<GroupOffset> out;
  for (const std::string& g : groups) {
    auto rk = group_client(g);
    if (!rk) return rk.status();
    PartitionList list(rd_kafka_topic_partition_list_new(1));
    for (const TopicInfo& t : *topics) {
      for (const PartitionInfo& p : t.partitions)
        rd_kafka_topic_partition_list_add(list.get(), t.config.name.c_str(), p.partition);
    }
    if (list->cnt == 0) continue;
    if (rd_kafka_resp_err_t err = rd_kafka_committed(*rk, list.get(), timeout_ms()))
      return kafka_status(err, "log: committed offsets of group \"" + g + "\"");
    for (int i = 0; i < list->cnt; ++i) {
      const rd_kafka_topic_partition_t& e = list->elems[i];
      if (e.err || e.offset < 0) continue;  // the group never committed here
      GroupOffset o{g, e.topic, e.partition, e.offset, 0};
      for (const TopicInfo& t : *topics) {
        if (t.config.name != e.topic) continue;
        for (const PartitionInfo& p : t.partitions) {
          if (p.partition == e.partition) o.end_offset = p.end_offset;
        }
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace sluice::log

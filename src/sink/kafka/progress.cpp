#include "sink/kafka/progress.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <set>

namespace sluice::sink::kafka {
namespace {

template <typename Int>
std::optional<Int> parse_decimal(std::string_view text) {
  Int value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

std::string progress_key(std::string_view sink, const SourcePartition& where) {
  std::string key;
  key.reserve(sink.size() + where.first.size() + 12);
  key.append(sink).append("/").append(where.first).append("/").append(std::to_string(where.second));
  return key;
}

std::string progress_value(int64_t next_offset) {
  return std::to_string(next_offset);
}

std::optional<SourcePartition> parse_progress_key(std::string_view key, std::string_view sink) {
  if (key.size() <= sink.size() + 1 || key.substr(0, sink.size()) != sink ||
      key[sink.size()] != '/')
    return std::nullopt;
  const std::string_view rest = key.substr(sink.size() + 1);
  const size_t slash = rest.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const auto partition = parse_decimal<int32_t>(rest.substr(slash + 1));
  if (!partition || *partition < 0) return std::nullopt;
  return SourcePartition{std::string(rest.substr(0, slash)), *partition};
}

std::optional<int64_t> parse_progress_value(std::string_view value) {
  auto offset = parse_decimal<int64_t>(value);
  if (!offset || *offset < 0) return std::nullopt;
  return offset;
}

Result<Progress> read_progress(const log::KafkaClientSettings& connection, const std::string& topic,
                               const std::string& sink,
                               std::chrono::steady_clock::time_point deadline) {
  const std::string subject = connection.subject + ": progress topic \"" + topic + "\"";
  log::KafkaClientSettings settings = connection;
  // Assigned, never subscribed: the group id only satisfies the consumer; nothing
  // is committed under it.
  settings.required = {{"group.id", "sluice-progress-reader"},
                       {"enable.auto.commit", "false"},
                       {"enable.partition.eof", "true"},
                       {"isolation.level", "read_committed"},
                       {"auto.offset.reset", "earliest"}};
  settings.subject = subject;
  auto made = log::make_kafka_client(RD_KAFKA_CONSUMER, settings);
  if (!made) return made.status();
  rd_kafka_t* rk = made->get();
  auto count = log::topic_partition_count(rk, topic, subject, remaining_ms(deadline));
  if (!count) return count.status();
  if (*count < 0) {
    return Status::invalid(subject +
                           " does not exist: create it with one partition, compacted "
                           "(kafka-topics --create --topic " +
                           topic + " --partitions 1 --config cleanup.policy=compact)");
  }
  log::PartitionList assignment(rd_kafka_topic_partition_list_new(*count));
  for (int32_t p = 0; p < *count; ++p)
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment.get()))
    return log::kafka_status(err, subject + ": assign");

  Progress progress;
  std::set<int32_t> at_end;
  Status failure;
  uint64_t malformed = 0;
  while (static_cast<int32_t>(at_end.size()) < *count && failure.is_ok()) {
    const int wait_ms = std::min(remaining_ms(deadline), 100);
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, wait_ms);
    if (!m) {
      if (wait_ms == 0)
        failure = Status::unavailable(subject + ": not read to its end in time (" +
                                      std::to_string(at_end.size()) + " of " +
                                      std::to_string(*count) + " partitions)");
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.insert(m->partition);
    } else if (m->err) {
      // Transient errors (a broker down) are retried by the consumer itself.
      if (m->err != RD_KAFKA_RESP_ERR__TRANSPORT && m->err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        failure = log::kafka_status(m->err, subject);
    } else {
      const std::string_view key(static_cast<const char*>(m->key), m->key ? m->key_len : 0);
      const std::string_view value(static_cast<const char*>(m->payload), m->payload ? m->len : 0);
      const bool ours =
          key.size() > sink.size() && key.starts_with(sink) && key[sink.size()] == '/';
      const auto where = ours ? parse_progress_key(key, sink) : std::nullopt;
      const auto next = where ? parse_progress_value(value) : std::nullopt;
      if (next)
        progress[*where] = *next;  // the latest record of a key wins
      else if (ours)
        ++malformed;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  if (!failure.is_ok()) return failure;
  // Ignoring them can only write events again, never skip one.
  if (malformed > 0)
    spdlog::warn("{}: {} records under this sink's name are not progress records, ignored", subject,
                 malformed);
  return progress;
}

}  // namespace sluice::sink::kafka

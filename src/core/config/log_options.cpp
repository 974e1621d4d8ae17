#include "core/config/log_options.h"

namespace sluice {

const std::vector<OptionSpec>& log_section_options() {
  static const std::vector<OptionSpec> options = {
      OptionSpec::optional("type", OptionType::kEnum, "embedded",
                           "Where the log lives: embedded (files under data_dir/log) or kafka "
                           "(topics on Apache Kafka or Redpanda; docs/scale-out.md).")
          .one_of({"embedded", "kafka"}),
      OptionSpec::optional("brokers", OptionType::kString, "",
                           "With type kafka: the bootstrap brokers, `host:port[,host:port...]`."),
      OptionSpec::optional("properties", OptionType::kStringMap, "",
                           "With type kafka: librdkafka properties for every client of the log "
                           "(security.protocol, sasl.*, ssl.*, linger.ms, ...)."),
      OptionSpec::optional("replication_factor", OptionType::kInt, "-1",
                           "With type kafka: replicas of the topics sluice creates; -1: the "
                           "brokers' default.")
          .between(-1, 32),
      OptionSpec::optional("request_timeout", OptionType::kDuration, "30s",
                           "With type kafka: the longest an append (until every replica has it), a "
                           "commit or a metadata request waits before it fails (HTTP 503).")
          .at_least(100'000),
      OptionSpec::optional("handover_timeout", OptionType::kDuration, "10s",
                           "With type kafka: when partitions move to another instance, how long "
                           "this one waits for its sinks to make what it read from them durable "
                           "before it commits and lets go; the rest is read again by the next "
                           "owner.")
          .at_least(0),
      OptionSpec::optional("stateful", OptionType::kEnum, "partitioned",
                           "With type kafka, how instances share stateful transforms (windows, "
                           "dedup, throttle, anomaly): partitioned (each runs the keys of its "
                           "share, through a repartition topic per transform) or active_standby "
                           "(one runs them all, the others take over from its checkpoint).")
          .one_of({"partitioned", "active_standby"}),
      OptionSpec::optional("group", OptionType::kString, "sluice",
                           "Consumer group whose committed offsets the pipeline resumes from."),
      OptionSpec::optional(
          "disk_limit", OptionType::kSize, "",
          "Refuse appends (HTTP 503) while the log's files would grow past this; empty: no limit.")
          .at_least(1),
      OptionSpec::optional("backlog_limit", OptionType::kInt, "",
                           "Refuse appends while a partition holds more unconsumed records than "
                           "this; empty: no limit.")
          .at_least(1),
      OptionSpec::optional(
          "key_file", OptionType::kString, "",
          "File of encryption keys, one `<id> <64 hex digits>` per line; must be mode 0600."),
      OptionSpec::optional(
          "create_key", OptionType::kBool, "false",
          "When key_file does not exist, create it with one new random key (mode 0600), named "
          "by the first encryption_key of a source (else k1): for first runs and demos."),
      OptionSpec::optional("state_encryption_key", OptionType::kString, "",
                           "Id of the key that encrypts window checkpoints and the entries of the "
                           "lineage ledger and "
                           "the audit log (AES-256-GCM); empty: not encrypted."),
      OptionSpec::optional("key_env", OptionType::kString, "SLUICE_LOG_KEYS",
                           "Environment variable holding keys as `<id>:<hex>[,<id>:<hex>...]`."),
      OptionSpec::optional(
          "read_batch", OptionType::kSize, "1MiB",
          "How many bytes of records the pipeline reads from a partition at a time.")
          .between(4096, 64 << 20),
      OptionSpec::optional(
          "commit_interval", OptionType::kDuration, "1s",
          "How often sinks flush and the pipeline commits the offsets they made durable.")
          .at_least(1000),
  };
  return options;
}

const std::vector<OptionSpec>& topic_options() {
  static const std::vector<OptionSpec> options = {
      OptionSpec::optional("topic", OptionType::kString, "",
                           "Log topic this source appends to; empty: the source's name."),
      OptionSpec::optional("partitions", OptionType::kInt, "1",
                           "Partitions of the topic; fixed once the topic exists.")
          .between(1, 1024),
      OptionSpec::optional("key_fields", OptionType::kPathList, "",
                           "Fields whose values pick the partition (same values, same partition); "
                           "empty: round-robin."),
      OptionSpec::optional(
          "fsync", OptionType::kEnum, "interval",
          "When appends reach the disk: always (before the acknowledgement, fsyncs shared), "
          "interval (every fsync_interval) or never (left to the OS).")
          .one_of({"always", "interval", "never"}),
      OptionSpec::optional(
          "fsync_interval", OptionType::kDuration, "50ms",
          "With fsync: interval, the longest time an acknowledged append waits for its fsync.")
          .at_least(1000),
      OptionSpec::optional("segment_size", OptionType::kSize, "128MiB",
                           "Start a new segment file past this size.")
          .between(4096, double(1) * (1u << 31)),
      OptionSpec::optional("segment_age", OptionType::kDuration, "1h",
                           "Start a new segment file after this long.")
          .at_least(1000),
      OptionSpec::optional(
          "retention_size", OptionType::kSize, "",
          "Delete the oldest segments of a partition past this size; empty: no size limit.")
          .at_least(4096),
      OptionSpec::optional("retention_age", OptionType::kDuration, "7d",
                           "Delete segments whose newest record was written longer ago than this."),
      OptionSpec::optional("retention_deletes_uncommitted", OptionType::kBool, "false",
                           "Let retention delete records a consumer group has not committed yet."),
      OptionSpec::optional("compression", OptionType::kEnum, "none",
                           "Compression of stored batches.")
          .one_of({"none", "zstd", "lz4"}),
      OptionSpec::optional(
          "encryption_key", OptionType::kString, "",
          "Id of the key that encrypts stored batches (AES-256-GCM); empty: not encrypted."),
  };
  return options;
}

}  // namespace sluice

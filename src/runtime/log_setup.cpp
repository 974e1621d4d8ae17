#include "runtime/log_setup.h"

#include "log/embedded_log.h"
#include "log/kafka_log.h"

namespace sluice::runtime {

Result<log::KeyRing> load_log_keys(const PipelineConfig& config) {
  const OptionValues& o = config.log;
  const std::string file = o.has("key_file") ? o.get_string("key_file") : "";
  if (o.has("create_key") && o.get_bool("create_key") && !file.empty()) {
    std::string id = state_key_id(config);
    for (const ComponentConfig& c : config.components) {
      if (id.empty() && c.kind == ComponentKind::kSource) id = topic_config_for(c).encryption_key;
    }
    SLUICE_RETURN_IF_ERROR(
        log::create_key_file_if_missing(file, id.empty() ? "k1" : id, "the log and state"));
  }
  return read_log_keys(config);
}

std::string state_key_id(const PipelineConfig& config) {
  return config.log.has("state_encryption_key") ? config.log.get_string("state_encryption_key")
                                                : "";
}

Result<log::KeyRing> read_log_keys(const PipelineConfig& config) {
  const OptionValues& o = config.log;
  log::KeyRing keys;
  SLUICE_RETURN_IF_ERROR(keys.load(o.has("key_file") ? o.get_string("key_file") : "",
                                   o.has("key_env") ? o.get_string("key_env") : ""));
  return keys;
}

namespace {

Result<std::unique_ptr<log::Log>> open_kafka_log(const PipelineConfig& config) {
  const OptionValues& o = config.log;
  log::KafkaLogOptions options;
  options.brokers = o.has("brokers") ? o.get_string("brokers") : "";
  if (o.has("properties")) options.properties = o.get_string_map("properties");
  if (o.has("replication_factor"))
    options.replication_factor = static_cast<int32_t>(o.get_int("replication_factor"));
  if (o.has("request_timeout")) options.timeout_us = o.get_int("request_timeout");
  options.group = o.has("group") ? o.get_string("group") : "sluice";
  auto log = log::KafkaLog::open(std::move(options));
  if (!log) return log.status();
  return std::unique_ptr<log::Log>(std::move(log).value());
}

}  // namespace

bool uses_kafka_log(const PipelineConfig& config) {
  return config.log.has("type") && config.log.get_string("type") == "kafka";
}

Result<std::unique_ptr<CheckpointStore>> open_checkpoint_store(const PipelineConfig& config,
                                                               log::Log& log,
                                                               const std::string& group,
                                                               bool* shared) {
  *shared = uses_kafka_log(config);
  if (!*shared) return std::make_unique<CheckpointStore>(config.data_dir, group);
  const log::TopicConfig topic = CheckpointStore::topic_config(group + ".checkpoints");
  if (Status s = log.ensure_topic(topic); !s.is_ok())
    return s.with_context("the checkpoints of the stateful transforms");
  return std::make_unique<CheckpointStore>(log, topic.name);
}

Result<std::unique_ptr<log::Log>> open_log(const PipelineConfig& config) {
  if (uses_kafka_log(config)) return open_kafka_log(config);
  const OptionValues& o = config.log;
  log::EmbeddedLogOptions options;
  options.dir = config.data_dir + "/log";
  options.disk_limit_bytes = o.has("disk_limit") ? o.get_int("disk_limit") : -1;
  options.backlog_limit_records = o.has("backlog_limit") ? o.get_int("backlog_limit") : -1;
  auto keys = load_log_keys(config);
  if (!keys) return keys.status();
  options.keys = std::move(keys).value();
  auto log = log::EmbeddedLog::open(std::move(options));
  if (!log) return log.status();
  return std::unique_ptr<log::Log>(std::move(log).value());
}

log::TopicConfig topic_config_for(const ComponentConfig& source) {
  const OptionValues& o = source.options;
  log::TopicConfig c;
  if (source.type == kRepartitionType) {
    // Internal (repartition_plan.h): the plan gives its topic and partitions.
    c.name = o.get_string("topic");
    c.partitions = static_cast<int32_t>(o.get_int("partitions"));
    return c;
  }
  c.name = o.has("topic") && !o.get_string("topic").empty() ? o.get_string("topic") : source.name;
  c.partitions = static_cast<int32_t>(o.get_int("partitions"));
  const std::string& fsync = o.get_string("fsync");
  c.durability = fsync == "always"  ? log::Durability::kAlways
                 : fsync == "never" ? log::Durability::kNever
                                    : log::Durability::kInterval;
  c.fsync_interval_us = o.get_int("fsync_interval");
  c.segment_bytes = o.get_int("segment_size");
  c.segment_age_us = o.get_int("segment_age");
  c.retention_bytes = o.has("retention_size") ? o.get_int("retention_size") : -1;
  c.retention_age_us = o.has("retention_age") ? o.get_int("retention_age") : -1;
  c.retention_deletes_uncommitted = o.get_bool("retention_deletes_uncommitted");
  const std::string& codec = o.get_string("compression");
  c.codec = codec == "zstd"  ? log::Codec::kZstd
            : codec == "lz4" ? log::Codec::kLz4
                             : log::Codec::kNone;
  c.encryption_key = o.has("encryption_key") ? o.get_string("encryption_key") : "";
  return c;
}

}  // namespace sluice::runtime

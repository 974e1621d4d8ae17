// EmbeddedLog: the Log on local files under <data_dir>/log.
//
// Layout:
//   <dir>/<topic>/topic.conf          the topic's settings ("key value" lines)
//   <dir>/<topic>/<partition>/…       segments (partition.h, segment.h)
//   <dir>/_groups/<group>.offsets     committed offsets (offset_store.h)
//
// Bounds: appends fail with kResourceExhausted when the log's files would exceed
// `disk_limit_bytes`, when a partition's unconsumed records (end offset minus the
// lowest committed offset) exceed `backlog_limit_records`, or when the disk is full.
// Nothing is half-written in any of these cases.
//
// A background thread fsyncs `interval` topics and applies retention.
// One process at a time writes a log: open() takes an exclusive lock on <dir>/LOCK
// (released when the process exits, however it exits).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "log/encryption.h"
#include "log/file_system.h"
#include "log/log.h"
#include "log/offset_store.h"
#include "log/partition.h"

namespace sluice::log {

struct EmbeddedLogOptions {
  std::string dir;                       // usually <data_dir>/log
  int64_t disk_limit_bytes = -1;         // -1: no limit
  int64_t backlog_limit_records = -1;    // per partition; -1: no limit
  int64_t retention_check_interval_us = 5'000'000;
  KeyRing keys;
  FileSystem* fs = nullptr;              // null: the real file system
  // Inspect a log that another process may be writing: nothing on disk changes,
  // appends and commits are refused, no lock is taken.
  bool read_only = false;
};

class EmbeddedLog final : public Log {
 public:
  ~EmbeddedLog() override;

  // Opens the log, recovering every topic found under options.dir.
  static Result<std::unique_ptr<EmbeddedLog>> open(EmbeddedLogOptions options);

  Status ensure_topic(const TopicConfig& config) override;
  Result<AppendResult> append(const std::string& topic, int32_t partition, std::span<const Record> records) override;
  Result<ReadResult> read(const std::string& topic, int32_t partition, int64_t offset, size_t max_bytes,
                          int64_t max_wait_us) override;
  Status commit(const std::string& group, const std::string& topic,
                std::span<const std::pair<int32_t, int64_t>> offsets) override;
  Result<int64_t> committed(const std::string& group, const std::string& topic, int32_t partition) override;
  Result<std::vector<TopicInfo>> topics() override;
  Result<std::vector<GroupOffset>> group_offsets(const std::string& group) override;
  // One process holds the log (its LOCK), so the group has one instance: it is
  // assigned every partition of `topics` at once, and never loses them.
  Result<std::unique_ptr<GroupMembership>> join(const std::string& group,
                                                const std::vector<std::string>& topics,
                                                GroupListener& listener) override;
  Status close() override;

  // Applies retention to every partition now (also done periodically).
  Status apply_retention();
  // Drops the page cache of what every group has committed (Partition::release_consumed_cache);
  // the background thread does this every 200 ms. Returns the bytes newly released.
  int64_t release_consumed_cache();
  int64_t disk_bytes() const { return disk_bytes_.load(); }

 private:
  struct Topic {
    TopicConfig config;
    std::vector<std::unique_ptr<Partition>> partitions;
    int64_t last_sync_us = 0;
  };

  explicit EmbeddedLog(EmbeddedLogOptions options) : options_(std::move(options)) {}
  Status open_topic(const std::string& name, const TopicConfig* wanted);
  Result<Partition*> partition(const std::string& topic, int32_t partition, Topic** out_topic = nullptr);
  void background_loop();
  int64_t recount_disk_bytes();
  // Every partition with its topic's name, taken under the lock (partitions live as long as the
  // log).
  std::vector<std::pair<std::string, Partition*>> all_partitions();

  EmbeddedLogOptions options_;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<OffsetStore> offsets_;
  mutable std::mutex mutex_;  // guards topics_ (the map; partitions lock themselves)
  std::map<std::string, std::unique_ptr<Topic>> topics_;
  std::atomic<int64_t> disk_bytes_{0};
  std::mutex background_mutex_;
  std::condition_variable background_cv_;
  bool stopping_ = false;
  bool closed_ = false;
  std::thread background_;
  int lock_fd_ = -1;
};

// TopicConfig as "key value" lines (topic.conf) and back.
std::string topic_config_text(const TopicConfig& config);
Result<TopicConfig> parse_topic_config(const std::string& text, const std::string& where);
// Topic names become directory names: letters, digits, '_', '-', '.'; not starting with '.' or '_'.
bool valid_topic_name(const std::string& name);

}  // namespace sluice::log

// Partition: the segments of one topic partition, with appends, reads, durability
// and retention.
//
// Directory: <data_dir>/log/<topic>/<partition>/ holding segment files.
//
// Appends are serialized by the partition's lock; each writes one batch to the
// active segment and gets the next offsets. With durability `always`, appends
// share fsyncs (group commit): the first appender that finds no fsync running
// syncs everything written so far, outside the lock, while later appenders write
// their batches; they wait until a sync covers them. Readers see only records that
// are durable by the policy, so a reader never hands on a record that a power loss
// could take back under `always`.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "log/encryption.h"
#include "log/file_system.h"
#include "log/log.h"
#include "log/segment.h"

namespace sluice::log {

class Partition {
 public:
  // Opens the partition directory (creating it), recovering its segments.
  // `read_only`: inspect a log another process may be writing (sluice log …).
  static Result<std::unique_ptr<Partition>> open(FileSystem& fs, const std::string& dir, std::string topic,
                                                 int32_t id, const TopicConfig& config, bool read_only = false);

  void set_config(const TopicConfig& config);

  // `key` encrypts the batch when not null (with id config.encryption_key).
  Result<AppendResult> append(std::span<const Record> records, const Key256* key);
  Result<ReadResult> read(int64_t offset, size_t max_bytes, int64_t max_wait_us, const KeyRing* keys);

  // For `interval`: fsyncs what was written since the last sync.
  Status sync_if_dirty();
  // Deletes whole segments past the retention bounds, never the active one, and
  // (unless the topic allows it) none holding offsets at or after `keep_from`.
  Status apply_retention(int64_t keep_from, int64_t now_us);
  // Drops from the page cache the log data before `consumed_to` (every group has
  // committed past it), so a log written and read at a high rate does not fill memory
  // with pages nobody will read again; returns the bytes newly released.
  int64_t release_consumed_cache(int64_t consumed_to);

  PartitionInfo info() const;
  int32_t id() const { return id_; }
  int64_t end_offset() const;
  int64_t start_offset() const;
  // Wakes readers waiting for data (on shutdown).
  void wake_readers();
  Status close();

 private:
  Partition() = default;
  Status roll_locked();
  std::string where() const { return topic_ + "/" + std::to_string(id_); }

  FileSystem* fs_ = nullptr;
  std::string dir_;
  std::string topic_;
  int32_t id_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable data_cv_;   // readers waiting for records
  std::condition_variable sync_cv_;   // appenders waiting for a group fsync
  TopicConfig config_;
  std::vector<std::shared_ptr<Segment>> segments_;  // by base offset; the last is active
  int64_t next_offset_ = 0;
  int64_t visible_end_ = 0;        // readers see offsets below this
  uint64_t written_seq_ = 0;       // appends written
  uint64_t synced_seq_ = 0;        // appends covered by a completed fsync
  bool syncing_ = false;
  bool dirty_ = false;
  bool closed_ = false;
  bool read_only_ = false;
  Status failed_;                  // an fsync failed: nothing written since can be trusted
  // Damaged batches by (segment base offset, position), so one found again by
  // every reader is counted and logged once.
  std::set<std::pair<int64_t, int64_t>> corrupt_batches_;
  std::string encode_buffer_;
};

}  // namespace sluice::log

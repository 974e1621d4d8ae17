// Log: the durable boundary between producers and the pipeline.
//
// Topics have partitions; a partition is an ordered sequence of records, each with
// an offset (0, 1, 2, … per partition), an event timestamp, a key and a value (the
// encoded event). Sources append; the pipeline reads from the offsets its consumer
// group committed and commits new ones only after its sinks made their output
// durable. Two implementations stand behind this interface: the embedded log
// (embedded_log.h, files under data_dir) and Kafka. Nothing above the log knows
// which one it talks to; this header is all it sees.
//
// Thread-safety: every method may be called from any thread concurrently.
// Durability: append() returns only once the records are durable as the topic's
// policy says (see docs/guarantees.md); an error means none of them were stored.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sluice::log {

enum class Durability { kAlways, kInterval, kNever };
enum class Codec : uint8_t { kNone = 0, kZstd = 1, kLz4 = 2 };

const char* durability_name(Durability d);
const char* codec_name(Codec c);

struct TopicConfig {
  std::string name;
  int32_t partitions = 1;
  Durability durability = Durability::kInterval;
  int64_t fsync_interval_us = 50'000;
  int64_t segment_bytes = int64_t(128) << 20;
  int64_t segment_age_us = 3600'000'000;              // roll the active segment after this long
  int64_t retention_bytes = -1;                       // per partition; -1: no size limit
  int64_t retention_age_us = int64_t(7) * 86400'000'000;  // -1: no age limit
  bool retention_deletes_uncommitted = false;         // true: retention may delete what a group has not read
  Codec codec = Codec::kNone;
  std::string encryption_key;                         // key id; empty: stored in clear
  // On Kafka, cleanup.policy=compact: the brokers keep the newest record of every
  // key and no retention applies. The embedded log keeps its size and age retention.
  bool compacted = false;
};

// One record to append. The views must stay valid for the duration of append().
struct Record {
  int64_t timestamp_us = 0;
  std::string_view key;
  std::string_view value;
};

struct AppendResult {
  int64_t first_offset = 0;
  int64_t last_offset = 0;  // inclusive
};

// Records read from one partition. The views point into `storage`, which the
// result owns, so they live as long as the result.
struct ReadRecord {
  int64_t offset = 0;
  int64_t timestamp_us = 0;
  std::string_view key;
  std::string_view value;
};

struct ReadResult {
  std::vector<ReadRecord> records;
  int64_t next_offset = 0;  // where the next read continues
  // Batches that failed their checksum and were skipped, each with what and where.
  std::vector<std::string> skipped;
  std::vector<std::unique_ptr<std::string>> storage;
};

struct PartitionInfo {
  int32_t partition = 0;
  int64_t start_offset = 0;  // oldest offset still stored
  int64_t end_offset = 0;    // offset the next append gets
  int64_t bytes = 0;
  int64_t segments = 0;
  uint64_t corrupt_batches = 0;  // seen by readers or recovery since start
};

struct TopicInfo {
  TopicConfig config;
  std::vector<PartitionInfo> partitions;
};

struct GroupOffset {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  int64_t committed = 0;  // next offset the group reads
  int64_t end_offset = 0;
  int64_t lag() const { return end_offset > committed ? end_offset - committed : 0; }
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  bool operator==(const TopicPartition&) const = default;
};

// Told which partitions this instance reads while it is a member of a group of
// instances sharing them. Calls come one at a time from the membership's thread.
class GroupListener {
 public:
  virtual ~GroupListener() = default;
  // From now on this instance reads `partitions` (all of its share: what it had
  // before was revoked first).
  virtual void assigned(const std::vector<TopicPartition>& partitions) = 0;
  // `partitions` go to another instance once this returns: stop reading them and
  // commit what was made durable from them first.
  virtual void revoked(const std::vector<TopicPartition>& partitions) = 0;
  // `partitions` were taken from this instance without a revocation (its session
  // expired while it was frozen or cut off) and another instance may read them
  // already: stop reading them, and commit or save nothing for them.
  virtual void lost(const std::vector<TopicPartition>& partitions) = 0;
};

// Membership in a group of instances; destroying it leaves the group without a
// last revoked() call (the owner commits before that).
class GroupMembership {
 public:
  virtual ~GroupMembership() = default;
  // False while this instance cannot be sure its share is still its own: after it
  // stalled long enough for the brokers to time it out, until the group confirmed
  // the share or took it (lost()). Offsets and checkpoints wait meanwhile: written
  // by an instance that lost its partitions, they would go behind the new owner's.
  virtual bool trusted() const { return true; }
};

class Log {
 public:
  virtual ~Log() = default;

  // Creates the topic, or opens it if it exists. A different partition count than
  // the stored one is an error (repartitioning would reorder keys); other settings
  // (durability, retention, codec, key) apply from now on.
  virtual Status ensure_topic(const TopicConfig& config) = 0;

  // Appends records to one partition as one batch. kResourceExhausted when the log is
  // over a bound (disk usage limit, unconsumed backlog, disk full): retry later.
  virtual Result<AppendResult> append(const std::string& topic, int32_t partition,
                                      std::span<const Record> records) = 0;

  // Reads records at `offset` and after, up to about `max_bytes`. Waits up to
  // `max_wait_us` for records when there are none yet. An offset older than the
  // partition's start continues at the start.
  virtual Result<ReadResult> read(const std::string& topic, int32_t partition, int64_t offset, size_t max_bytes,
                                  int64_t max_wait_us) = 0;

  // Records that `group` has consumed everything before each offset (partition, next offset).
  virtual Status commit(const std::string& group, const std::string& topic,
                        std::span<const std::pair<int32_t, int64_t>> offsets) = 0;
  // The next offset `group` reads in a partition: its commit, else the partition's start.
  virtual Result<int64_t> committed(const std::string& group, const std::string& topic, int32_t partition) = 0;

  // Joins the instances that read `topics` for `group`; the partitions are split
  // among them and the listener hears this instance's share (and every change).
  // Commits stay as they are: any instance may commit for the group.
  virtual Result<std::unique_ptr<GroupMembership>> join(const std::string& group,
                                                        const std::vector<std::string>& topics,
                                                        GroupListener& listener) = 0;

  virtual Result<std::vector<TopicInfo>> topics() = 0;
  // Committed and end offsets of every group (or of `group` when not empty).
  virtual Result<std::vector<GroupOffset>> group_offsets(const std::string& group) = 0;

  // Makes everything appended durable and stops background work. Idempotent.
  virtual Status close() = 0;
};

}  // namespace sluice::log

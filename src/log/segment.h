// Segment: one file of consecutive record batches of a partition, plus its sparse
// offset index.
//
// Files: <base offset, 20 digits>.log holds the batches (record_batch.h);
// <base>.index holds 8-byte entries (offset − base: u32, file position: u32), one
// for the first batch and then one whenever 4 KiB of log were written since the
// last entry, so finding an offset reads at most ~4 KiB past its batch. The index
// is never fsynced: recovery rebuilds it from the log whenever it is missing or
// does not match.
//
// Not thread-safe except read_at(), which may run concurrently with append(): the
// Partition serializes everything else under its lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "log/file_system.h"

namespace sluice::log {

inline constexpr int64_t kIndexIntervalBytes = 4096;

struct IndexEntry {
  uint32_t relative_offset;
  uint32_t position;
};

// What recovery found in a segment; problems are logged by the partition.
struct SegmentRecovery {
  int64_t truncated_bytes = 0;
  std::vector<std::string> problems;  // each names position and reason
  std::vector<int64_t> corrupt_positions;  // file positions of the damaged batches kept in place
  bool index_rebuilt = false;
};

class Segment {
 public:
  ~Segment();

  static std::string log_name(int64_t base_offset);
  static std::string index_name(int64_t base_offset);

  // A new, empty segment starting at `base_offset`.
  static Result<std::unique_ptr<Segment>> create(FileSystem& fs, const std::string& dir, int64_t base_offset);

  // Opens an existing segment. `verify_all`: check every batch's CRC, cut a torn or
  // corrupt tail and rebuild the index (the newest segments); otherwise trust the
  // index when it is consistent and scan only from its last entry to the end.
  // `read_only`: change nothing on disk (another process may be writing); a bad
  // tail is only left unread and a bad index only rebuilt in memory.
  static Result<std::unique_ptr<Segment>> open(FileSystem& fs, const std::string& dir, int64_t base_offset,
                                               bool verify_all, bool read_only, SegmentRecovery* report);

  // Appends one encoded batch holding offsets [base, base + count).
  Status append(std::string_view batch, int64_t base, uint32_t count, int64_t max_timestamp_us);
  Status sync();        // the log file (and the index, once the segment is closed)
  Status sync_index();

  // Position of the batch holding `offset` or an earlier one (sparse index lookup).
  int64_t position_for(int64_t offset) const;
  // Reads up to `max_bytes` at `position`, never past `end` (the readable size).
  Status read_at(int64_t position, size_t max_bytes, int64_t end, std::string* out) const;

  int64_t base_offset() const { return base_offset_; }
  int64_t next_offset() const { return next_offset_; }
  int64_t size_bytes() const { return file_ ? file_->size() : read_only_size_; }
  int64_t last_write_us() const { return last_write_us_; }    // wall clock, for age-based roll and retention
  int64_t created_us() const { return created_us_; }
  int64_t max_timestamp_us() const { return max_timestamp_us_; }
  const std::string& log_path() const { return log_path_; }
  const std::string& index_path() const { return index_path_; }
  // Removes both files; the open descriptor keeps reads by others working.
  Status remove_files();
  // Asks the kernel to drop the cached pages of the log file before `position` (data
  // every reader is done with); returns the bytes newly covered. Advisory: dirty pages
  // stay until written back, and a later read just reads the disk.
  int64_t release_cache_before(int64_t position);
  int64_t cache_released_to() const { return cache_released_to_; }

 private:
  Segment() = default;
  Status recover(bool verify_all, SegmentRecovery* report);
  Status rebuild_index(const std::vector<IndexEntry>& entries);
  void note_index(int64_t base, int64_t position);

  FileSystem* fs_ = nullptr;
  std::string log_path_, index_path_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<WritableFile> index_file_;
  int read_fd_ = -1;
  bool read_only_ = false;
  int64_t read_only_size_ = 0;  // the readable size when opened read-only
  int64_t base_offset_ = 0;
  int64_t next_offset_ = 0;
  int64_t last_write_us_ = 0;
  int64_t created_us_ = 0;
  int64_t max_timestamp_us_ = INT64_MIN;
  std::vector<IndexEntry> index_;
  int64_t last_indexed_position_ = -kIndexIntervalBytes;
  int64_t cache_released_to_ = 0;
};

}  // namespace sluice::log

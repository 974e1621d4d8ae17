// OffsetStore: committed offsets of consumer groups, one file per group.
//
// File <dir>/<group>.offsets: a first line "sluice-offsets 1", then one line per
// partition, "<topic> <partition> <next offset>". A commit rewrites the group's
// file atomically (temp file, fsync, rename, fsync of the directory), so after a
// crash the file holds either the previous commit or the new one, never a mix.
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "log/file_system.h"

namespace sluice::log {

class OffsetStore {
 public:
  // Loads every group file under `dir` (creating the directory).
  static Result<std::unique_ptr<OffsetStore>> open(FileSystem& fs, std::string dir, bool read_only = false);

  Status commit(const std::string& group, const std::string& topic,
                std::span<const std::pair<int32_t, int64_t>> offsets);
  std::optional<int64_t> committed(const std::string& group, const std::string& topic, int32_t partition) const;
  // The lowest offset that a group reading `topic` committed for a partition (0 for
  // a group that has not committed this partition yet); nullopt when no group reads it.
  std::optional<int64_t> lowest_committed(const std::string& topic, int32_t partition) const;

  struct Entry {
    std::string group, topic;
    int32_t partition;
    int64_t offset;
  };
  std::vector<Entry> entries(const std::string& group_or_all) const;

 private:
  OffsetStore() = default;
  using Key = std::pair<std::string, int32_t>;  // topic, partition
  Status load(const std::string& path, const std::string& group);

  FileSystem* fs_ = nullptr;
  bool read_only_ = false;
  std::string dir_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<Key, int64_t>> groups_;
};

// Group names become file names: letters, digits, '_', '-', '.'; 1 to 128 characters.
bool valid_group_name(const std::string& name);

}  // namespace sluice::log

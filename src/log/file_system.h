// FileSystem: the writes the log makes, behind an interface so tests can make them
// fail (disk full, I/O error) at chosen points, as LevelDB's fault-injection env does.
//
// WritableFile::append is all-or-nothing: when the disk fills mid-write, the file
// is cut back to its previous size before the error is returned, so a failed
// append never leaves a torn batch behind in a live process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice::log {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // kResourceExhausted when the disk is full, kIoError otherwise.
  virtual Status append(std::string_view bytes) = 0;
  virtual Status sync() = 0;
  virtual Status truncate(int64_t size) = 0;
  virtual int64_t size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens (creating if absent) for appending at the end.
  virtual Result<std::unique_ptr<WritableFile>> open_for_append(const std::string& path) = 0;
  // Makes created, renamed and removed entries of a directory durable.
  virtual Status sync_directory(const std::string& path) = 0;

  static FileSystem& posix();
};

// Replaces `path` with `content` so that a crash at any moment leaves either the
// old or the new content: temp file, fsync, rename, fsync of the directory.
Status write_file_atomically(FileSystem& fs, const std::string& path, std::string_view content);

// Reads a whole file; kNotFound when it does not exist.
Result<std::string> read_whole_file(const std::string& path);

}  // namespace sluice::log

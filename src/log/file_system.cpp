#include "log/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::log {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path, int64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixWritableFile() override { ::close(fd_); }

  Status append(std::string_view bytes) override {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, size_ + static_cast<int64_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int error = n < 0 ? errno : ENOSPC;
        // Leave no partial batch behind; ignore a failure here, recovery would cut it anyway.
        [[maybe_unused]] int rc = ::ftruncate(fd_, size_);
        return errno_status(error, "write to " + path_);
      }
      done += static_cast<size_t>(n);
    }
    size_ += static_cast<int64_t>(bytes.size());
    return Status::ok();
  }
  Status sync() override {
    if (::fdatasync(fd_) != 0) return errno_status(errno, "fdatasync " + path_);
    return Status::ok();
  }
  Status truncate(int64_t size) override {
    if (::ftruncate(fd_, size) != 0) return errno_status(errno, "truncate " + path_);
    size_ = size;
    return Status::ok();
  }
  int64_t size() const override { return size_; }

 private:
  int fd_;
  std::string path_;
  int64_t size_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> open_for_append(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return errno_status(errno, "open " + path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int error = errno;
      ::close(fd);
      return errno_status(error, "stat " + path);
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, st.st_size));
  }
  Status sync_directory(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno_status(errno, "open directory " + path);
    int rc = ::fsync(fd);
    int error = errno;
    ::close(fd);
    if (rc != 0) return errno_status(error, "fsync directory " + path);
    return Status::ok();
  }
};

}  // namespace

FileSystem& FileSystem::posix() {
  static PosixFileSystem fs;
  return fs;
}

Status write_file_atomically(FileSystem& fs, const std::string& path, std::string_view content) {
  const std::string temp = path + ".tmp";
  {
    auto file = fs.open_for_append(temp);
    if (!file) return file.status();
    SLUICE_RETURN_IF_ERROR((*file)->truncate(0));
    SLUICE_RETURN_IF_ERROR((*file)->append(content));
    SLUICE_RETURN_IF_ERROR((*file)->sync());
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return errno_status(errno, "rename " + temp + " to " + path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  return fs.sync_directory(dir.empty() ? "." : dir);
}

Result<std::string> read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "open " + path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return errno_status(error, "read " + path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace sluice::log

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "sink/lake/storage.h"

namespace sluice::sink::lake {
namespace {

namespace fs = std::filesystem;

Status fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "cannot open directory " + dir);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  return rc == 0 ? Status::ok() : errno_status(error, "cannot fsync directory " + dir);
}

class LocalObject final : public LakeObject {
 public:
  LocalObject(std::string dir, std::string temp_name, int fd)
      : dir_(std::move(dir)), temp_path_(dir_ + "/" + temp_name), fd_(fd) {}
  ~LocalObject() override { abort(); }

  Status append(std::string_view bytes) override {
    if (fd_ < 0) return Status::internal("append to a closed object " + temp_path_);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n =
          ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(size_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int error = errno;
        // Cut what part of the write landed, so a retry starts from a clean end.
        (void)::ftruncate(fd_, static_cast<off_t>(size_));
        return errno_status(error, "cannot write " + temp_path_);
      }
      done += static_cast<size_t>(n);
    }
    size_ += bytes.size();
    return Status::ok();
  }

  uint64_t size() const override { return size_; }

  // fsync, rename, fsync of the directory: each step is done once, so a retry
  // after a failure resumes at the step that failed.
  Status commit(const std::string& final_name) override {
    if (!synced_) {
      if (::fdatasync(fd_) != 0) return errno_status(errno, "cannot fsync " + temp_path_);
      synced_ = true;
    }
    if (!renamed_) {
      const std::string final_path = dir_ + "/" + final_name;
      if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
        return errno_status(errno, "cannot rename " + temp_path_ + " to " + final_path);
      }
      renamed_ = true;
      ::close(fd_);
      fd_ = -1;
    }
    SLUICE_RETURN_IF_ERROR(fsync_directory(dir_));
    committed_ = true;
    return Status::ok();
  }

  void abort() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!renamed_ && !aborted_) {
      ::unlink(temp_path_.c_str());
      aborted_ = true;
    }
  }

 private:
  std::string dir_;
  std::string temp_path_;
  int fd_;
  uint64_t size_ = 0;
  bool synced_ = false, renamed_ = false, committed_ = false, aborted_ = false;
};

class LocalStorage final : public LakeStorage {
 public:
  explicit LocalStorage(std::string root) : root_(std::move(root)) {}

  Result<std::unique_ptr<LakeObject>> create(const std::string& dir,
                                             const std::string& temp_name) override {
    const std::string path = full(dir);
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      fs::create_directories(path, ec);
      if (ec) return Status::io_error("cannot create directory " + path + ": " + ec.message());
      // The new directory entries must survive a crash along with the files in them.
      SLUICE_RETURN_IF_ERROR(fsync_parents(dir));
    }
    const std::string file = path + "/" + temp_name;
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errno_status(errno, "cannot create " + file);
    return std::unique_ptr<LakeObject>(std::make_unique<LocalObject>(path, temp_name, fd));
  }

  Result<std::vector<std::string>> list(const std::string& dir) override {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(full(dir), ec);
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory) return names;
      return Status::io_error("cannot list " + full(dir) + ": " + ec.message());
    }
    for (const auto& entry : it) {
      if (entry.is_regular_file(ec)) names.push_back(entry.path().filename().string());
    }
    return names;
  }

  Status remove(const std::string& dir, const std::string& name) override {
    const std::string path = full(dir) + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return errno_status(errno, "cannot remove " + path);
    return Status::ok();
  }

  std::string describe(const std::string& dir, const std::string& name) const override {
    return full(dir) + "/" + name;
  }

 private:
  std::string full(const std::string& dir) const { return dir.empty() ? root_ : root_ + "/" + dir; }

  Status fsync_parents(const std::string& dir) {
    std::string at = dir;
    while (true) {
      const size_t slash = at.rfind('/');
      const std::string parent = slash == std::string::npos ? "" : at.substr(0, slash);
      SLUICE_RETURN_IF_ERROR(fsync_directory(full(parent)));
      if (slash == std::string::npos) break;
      at = parent;
    }
    return Status::ok();
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<LakeStorage> local_storage(std::string root) {
  return std::make_unique<LocalStorage>(std::move(root));
}

}  // namespace sluice::sink::lake

#include "sink/file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "format/json_writer.h"

namespace sluice::sink {
namespace {

namespace fs = std::filesystem;

class FileSink final : public Sink {
 public:
  explicit FileSink(const BuildContext& ctx)
      : directory_((fs::path(ctx.pipeline.data_dir) / ctx.options().get_string("path")).string()),
        prefix_(ctx.options().get_string("prefix").empty() ? ctx.name() : ctx.options().get_string("prefix")),
        max_file_bytes_(static_cast<size_t>(ctx.options().get_int("max_file_size"))),
        fsync_(ctx.options().get_bool("fsync")),
        stats_(ctx.stats) {}

  ~FileSink() override { (void)close_file(); }

  Status write(const Batch& batch) override {
    if (fd_ < 0) SLUICE_RETURN_IF_ERROR(open_next());
    buffer_.clear();
    for (const Event& event : batch.events) {
      format::append_ndjson_line(event, buffer_);
      // Rotate on event boundaries so no line is split across files.
      if (file_bytes_ + buffer_.size() >= max_file_bytes_) {
        SLUICE_RETURN_IF_ERROR(write_buffer());
        SLUICE_RETURN_IF_ERROR(close_file());
        SLUICE_RETURN_IF_ERROR(open_next());
      }
    }
    SLUICE_RETURN_IF_ERROR(write_buffer());
    stats_.add_in(batch.size());
    stats_.add_out(batch.size());
    return Status::ok();
  }

  Status flush() override {
    if (fd_ >= 0 && fsync_ && ::fsync(fd_) != 0) return errno_status(errno, "cannot fsync " + path_);
    return Status::ok();
  }

  Status close() override { return close_file(); }

 private:
  Status open_next() {
    std::error_code ec;
    fs::create_directories(directory_, ec);
    if (ec) return Status::io_error("cannot create directory " + directory_ + ": " + ec.message());
    if (next_sequence_ == 0) {
      const uint64_t last = highest_sequence();
      if (last > 0) SLUICE_RETURN_IF_ERROR(repair_torn_line(file_name(last)));
      next_sequence_ = last + 1;
    }
    path_ = file_name(next_sequence_++);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) return errno_status(errno, "cannot create " + path_);
    file_bytes_ = 0;
    return Status::ok();
  }

  Status write_buffer() {
    const char* p = buffer_.data();
    size_t left = buffer_.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, "cannot write " + path_);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    file_bytes_ += buffer_.size();
    stats_.add_bytes_out(buffer_.size());
    buffer_.clear();
    return Status::ok();
  }

  Status close_file() {
    if (fd_ < 0) return Status::ok();
    Status status = flush();
    if (::close(fd_) != 0 && status.is_ok()) status = errno_status(errno, "cannot close " + path_);
    fd_ = -1;
    return status;
  }

  std::string file_name(uint64_t sequence) const {
    char name[32];
    std::snprintf(name, sizeof(name), "-%06llu.ndjson", static_cast<unsigned long long>(sequence));
    return (fs::path(directory_) / (prefix_ + name)).string();
  }

  // A run killed in the middle of a write can leave the last file ending in part of
  // a line. Those events were never reported durable, so their offsets were not
  // committed and this run writes them again: cutting the fragment loses nothing.
  Status repair_torn_line(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return errno_status(errno, "cannot open " + path);
    const off_t size = ::lseek(fd, 0, SEEK_END);
    off_t keep = size;
    char buf[4096];
    while (keep > 0) {
      const off_t from = std::max<off_t>(0, keep - static_cast<off_t>(sizeof buf));
      const ssize_t n = ::pread(fd, buf, static_cast<size_t>(keep - from), from);
      if (n <= 0) break;
      const void* nl = memrchr(buf, '\n', static_cast<size_t>(n));
      if (nl != nullptr) {
        keep = from + (static_cast<const char*>(nl) - buf) + 1;
        break;
      }
      keep = from;
    }
    Status status;
    if (keep < size) {
      if (::ftruncate(fd, keep) != 0 || ::fsync(fd) != 0) {
        status = errno_status(errno, "cannot cut the torn last line of " + path);
      } else {
        spdlog::warn("file sink: cut {} bytes of a torn last line at the end of {} (the events are written again)",
                     size - keep, path);
      }
    }
    ::close(fd);
    return status;
  }

  // The highest sequence number among existing <prefix>-NNNNNN.ndjson files.
  uint64_t highest_sequence() const {
    uint64_t highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory_, ec)) {
      std::string name = entry.path().filename().string();
      if (name.size() <= prefix_.size() + 8 || name.compare(0, prefix_.size() + 1, prefix_ + "-") != 0) continue;
      if (!name.ends_with(".ndjson")) continue;
      std::string_view digits(name.data() + prefix_.size() + 1, name.size() - prefix_.size() - 1 - 7);
      uint64_t seq = 0;
      auto [ptr, err] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
      if (err == std::errc() && ptr == digits.data() + digits.size()) highest = std::max(highest, seq);
    }
    return highest;
  }

  std::string directory_;
  std::string prefix_;
  size_t max_file_bytes_;
  bool fsync_;
  observe::ComponentStats& stats_;
  std::string path_;
  int fd_ = -1;
  size_t file_bytes_ = 0;
  uint64_t next_sequence_ = 0;
  std::string buffer_;
};

}  // namespace

SinkType file_sink_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = "file";
  spec.summary = "Writes NDJSON files into a directory, rotating them by size.";
  spec.options = {
      OptionSpec::required_option("path", OptionType::kString,
                                  "Directory for the files, created if missing; a relative path is inside data_dir."),
      OptionSpec::optional("prefix", OptionType::kString, "", "File name prefix; default: the sink's name."),
      OptionSpec::optional("max_file_size", OptionType::kSize, "64MiB",
                           "Start a new file when the current one reaches this size.")
          .at_least(1),
      OptionSpec::optional("fsync", OptionType::kBool, "false", "fsync each file when it is closed and at every flush."),
  };
  return SinkType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Sink>> {
                    return std::unique_ptr<Sink>(std::make_unique<FileSink>(ctx));
                  }};
}

}  // namespace sluice::sink

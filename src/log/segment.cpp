#include "log/segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/time.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

std::string padded(int64_t base_offset) {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(base_offset));
  return name;
}

}  // namespace

Segment::~Segment() {
  if (read_fd_ >= 0) ::close(read_fd_);
}

std::string Segment::log_name(int64_t base_offset) { return padded(base_offset) + ".log"; }
std::string Segment::index_name(int64_t base_offset) { return padded(base_offset) + ".index"; }

Result<std::unique_ptr<Segment>> Segment::create(FileSystem& fs, const std::string& dir, int64_t base_offset) {
  std::unique_ptr<Segment> s(new Segment());
  s->fs_ = &fs;
  s->base_offset_ = s->next_offset_ = base_offset;
  s->log_path_ = dir + "/" + log_name(base_offset);
  s->index_path_ = dir + "/" + index_name(base_offset);
  auto file = fs.open_for_append(s->log_path_);
  if (!file) return file.status();
  s->file_ = std::move(file).value();
  SLUICE_RETURN_IF_ERROR(s->file_->truncate(0));
  auto index = fs.open_for_append(s->index_path_);
  if (!index) return index.status();
  s->index_file_ = std::move(index).value();
  SLUICE_RETURN_IF_ERROR(s->index_file_->truncate(0));
  s->read_fd_ = ::open(s->log_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->read_fd_ < 0) return errno_status(errno, "open " + s->log_path_);
  s->created_us_ = s->last_write_us_ = now_us();
  return s;
}

Result<std::unique_ptr<Segment>> Segment::open(FileSystem& fs, const std::string& dir, int64_t base_offset,
                                               bool verify_all, bool read_only, SegmentRecovery* report) {
  std::unique_ptr<Segment> s(new Segment());
  s->fs_ = &fs;
  s->read_only_ = read_only;
  s->base_offset_ = s->next_offset_ = base_offset;
  s->log_path_ = dir + "/" + log_name(base_offset);
  s->index_path_ = dir + "/" + index_name(base_offset);
  if (!read_only) {
    auto file = fs.open_for_append(s->log_path_);
    if (!file) return file.status();
    s->file_ = std::move(file).value();
  }
  s->read_fd_ = ::open(s->log_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->read_fd_ < 0) return errno_status(errno, "open " + s->log_path_);
  struct stat st;
  if (::fstat(s->read_fd_, &st) == 0) {
    s->read_only_size_ = st.st_size;
    s->last_write_us_ = int64_t(st.st_mtim.tv_sec) * 1'000'000 + st.st_mtim.tv_nsec / 1000;
    s->created_us_ = s->last_write_us_;
  }
  SLUICE_RETURN_IF_ERROR(s->recover(verify_all, report));
  return s;
}

Status Segment::recover(bool verify_all, SegmentRecovery* report) {
  // Load the stored index; it is trusted only when every entry is plausible.
  std::vector<IndexEntry> stored;
  bool index_ok = false;
  if (auto bytes = read_whole_file(index_path_); bytes && bytes->size() % sizeof(IndexEntry) == 0) {
    stored.resize(bytes->size() / sizeof(IndexEntry));
    if (!stored.empty()) std::memcpy(stored.data(), bytes->data(), bytes->size());
    index_ok = !stored.empty() && stored.front().relative_offset == 0 && stored.front().position == 0;
    for (size_t i = 1; index_ok && i < stored.size(); ++i) {
      index_ok = stored[i].relative_offset > stored[i - 1].relative_offset &&
                 stored[i].position > stored[i - 1].position && stored[i].position < size_bytes();
    }
  }
  const bool empty_file = size_bytes() == 0;
  int64_t scan_from = 0;
  if (!verify_all && index_ok) scan_from = stored.back().position;

  std::string bytes;
  SLUICE_RETURN_IF_ERROR(read_at(scan_from, static_cast<size_t>(size_bytes() - scan_from), size_bytes(), &bytes));
  std::vector<IndexEntry> rebuilt;
  if (scan_from > 0) {
    rebuilt = stored;
    rebuilt.pop_back();  // re-added by the scan below
    last_indexed_position_ = rebuilt.empty() ? -kIndexIntervalBytes : rebuilt.back().position;
  }
  int64_t expected = scan_from > 0 ? base_offset_ + stored.back().relative_offset : base_offset_;
  size_t pos = 0;
  while (pos < bytes.size()) {
    BatchHeader h;
    Status s = parse_batch(std::string_view(bytes).substr(pos), &h);
    if (s.is_ok() && h.base_offset >= expected) {
      const int64_t file_pos = scan_from + static_cast<int64_t>(pos);
      if (file_pos - last_indexed_position_ >= kIndexIntervalBytes) {
        rebuilt.push_back({static_cast<uint32_t>(h.base_offset - base_offset_), static_cast<uint32_t>(file_pos)});
        last_indexed_position_ = file_pos;
      }
      expected = h.next_offset();
      max_timestamp_us_ = std::max(max_timestamp_us_, h.max_timestamp_us);
      pos += h.total_bytes();
      continue;
    }
    const std::string reason = s.is_ok() ? "batch offset " + std::to_string(h.base_offset) +
                                               " goes back before " + std::to_string(expected)
                                         : s.message();
    // Is there an intact batch after this one? Then it is damage in the middle: keep
    // the rest and let readers skip the bad range. Otherwise it is a torn tail: cut it.
    size_t next = find_next_batch(bytes, pos + 1);
    while (next != std::string::npos) {
      BatchHeader n;
      if (parse_batch(std::string_view(bytes).substr(next), &n).is_ok() && n.base_offset >= expected) break;
      next = find_next_batch(bytes, next + 1);
    }
    const int64_t file_pos = scan_from + static_cast<int64_t>(pos);
    if (next == std::string::npos) {
      report->truncated_bytes += static_cast<int64_t>(bytes.size() - pos);
      report->problems.push_back("cut " + std::to_string(bytes.size() - pos) + " bytes of torn or corrupt tail at position " +
                                 std::to_string(file_pos) + " (" + reason + ")");
      if (read_only_) {
        read_only_size_ = file_pos;  // leave the file alone; read only up to here
      } else {
        SLUICE_RETURN_IF_ERROR(file_->truncate(file_pos));
        SLUICE_RETURN_IF_ERROR(file_->sync());
      }
      bytes.resize(pos);
      break;
    }
    report->corrupt_positions.push_back(file_pos);
    report->problems.push_back("skipping " + std::to_string(next - pos) + " corrupt bytes at position " +
                               std::to_string(file_pos) + " (" + reason + "); readers step over them");
    pos = next;
  }
  next_offset_ = expected;
  const bool same = index_ok && !empty_file && rebuilt.size() == stored.size() &&
                    std::equal(rebuilt.begin(), rebuilt.end(), stored.begin(), [](const IndexEntry& a, const IndexEntry& b) {
                      return a.relative_offset == b.relative_offset && a.position == b.position;
                    });
  if (read_only_) {
    index_ = std::move(rebuilt);
  } else if (!same) {
    if (!empty_file || !stored.empty()) report->index_rebuilt = !empty_file;
    SLUICE_RETURN_IF_ERROR(rebuild_index(rebuilt));
  } else {
    index_ = std::move(rebuilt);
    auto index = fs_->open_for_append(index_path_);
    if (!index) return index.status();
    index_file_ = std::move(index).value();
  }
  return Status::ok();
}

Status Segment::rebuild_index(const std::vector<IndexEntry>& entries) {
  std::string bytes(entries.size() * sizeof(IndexEntry), '\0');
  if (!entries.empty()) std::memcpy(bytes.data(), entries.data(), bytes.size());
  SLUICE_RETURN_IF_ERROR(write_file_atomically(*fs_, index_path_, bytes));
  index_ = entries;
  auto index = fs_->open_for_append(index_path_);
  if (!index) return index.status();
  index_file_ = std::move(index).value();
  return Status::ok();
}

void Segment::note_index(int64_t base, int64_t position) {
  if (position - last_indexed_position_ < kIndexIntervalBytes) return;
  IndexEntry e{static_cast<uint32_t>(base - base_offset_), static_cast<uint32_t>(position)};
  index_.push_back(e);
  last_indexed_position_ = position;
  // A lost index entry only costs a longer scan; recovery rebuilds the index anyway.
  [[maybe_unused]] Status s = index_file_->append(std::string_view(reinterpret_cast<const char*>(&e), sizeof e));
}

Status Segment::append(std::string_view batch, int64_t base, uint32_t count, int64_t max_timestamp_us) {
  const int64_t position = file_->size();
  SLUICE_RETURN_IF_ERROR(file_->append(batch));
  note_index(base, position);
  next_offset_ = base + count;
  max_timestamp_us_ = std::max(max_timestamp_us_, max_timestamp_us);
  last_write_us_ = now_us();
  return Status::ok();
}

Status Segment::sync() { return file_->sync(); }
Status Segment::sync_index() { return index_file_->sync(); }

int64_t Segment::position_for(int64_t offset) const {
  const auto relative = static_cast<uint32_t>(std::max<int64_t>(0, offset - base_offset_));
  auto it = std::upper_bound(index_.begin(), index_.end(), relative,
                             [](uint32_t r, const IndexEntry& e) { return r < e.relative_offset; });
  return it == index_.begin() ? 0 : std::prev(it)->position;
}

Status Segment::read_at(int64_t position, size_t max_bytes, int64_t end, std::string* out) const {
  const size_t n = static_cast<size_t>(std::max<int64_t>(0, std::min<int64_t>(end - position, max_bytes)));
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(read_fd_, out->data() + done, n - done, position + static_cast<int64_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno_status(errno, "read " + log_path_);
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  out->resize(done);
  return Status::ok();
}

Status Segment::remove_files() {
  if (::unlink(log_path_.c_str()) != 0 && errno != ENOENT) return errno_status(errno, "remove " + log_path_);
  if (::unlink(index_path_.c_str()) != 0 && errno != ENOENT) return errno_status(errno, "remove " + index_path_);
  return Status::ok();
}

int64_t Segment::release_cache_before(int64_t position) {
  position = std::min(position, size_bytes());
  if (read_fd_ < 0 || position <= cache_released_to_) return 0;
  // Whole pages only: the kernel keeps a partly covered page anyway.
  const int64_t from = cache_released_to_ & ~int64_t{4095};
  ::posix_fadvise(read_fd_, from, position - from, POSIX_FADV_DONTNEED);
  const int64_t released = position - cache_released_to_;
  cache_released_to_ = position;
  return released;
}

}  // namespace sluice::log

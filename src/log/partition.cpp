#include "log/partition.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "core/time.h"
#include "log/record_batch.h"

namespace sluice::log {

namespace fs = std::filesystem;

Result<std::unique_ptr<Partition>> Partition::open(FileSystem& files, const std::string& dir, std::string topic,
                                                   int32_t id, const TopicConfig& config, bool read_only) {
  std::unique_ptr<Partition> p(new Partition());
  p->read_only_ = read_only;
  p->fs_ = &files;
  p->dir_ = dir;
  p->topic_ = std::move(topic);
  p->id_ = id;
  p->config_ = config;
  std::error_code ec;
  if (!read_only) fs::create_directories(dir, ec);
  if (ec) return Status::io_error("cannot create " + dir + ": " + ec.message());

  std::vector<int64_t> bases;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 24 && name.ends_with(".log")) {
      try {
        bases.push_back(std::stoll(name.substr(0, 20)));
      } catch (...) {
        spdlog::warn("log {}: ignoring {}: not a segment name", p->where(), name);
      }
    } else if (name.ends_with(".tmp") && !read_only) {
      fs::remove(entry.path(), ec);  // an atomic write that did not finish
    }
  }
  if (ec) return Status::io_error("cannot list " + dir + ": " + ec.message());
  std::sort(bases.begin(), bases.end());
  for (size_t i = 0; i < bases.size(); ++i) {
    // The newest two segments are verified batch by batch: a crash can only have
    // torn what was written last (a roll may have just happened).
    const bool verify_all = i + 2 >= bases.size();
    SegmentRecovery report;
    auto seg = Segment::open(files, dir, bases[i], verify_all, read_only, &report);
    if (!seg) return seg.status().with_context("log " + p->where());
    for (const std::string& problem : report.problems) {
      spdlog::warn("log {} segment {}: {}", p->where(), Segment::log_name(bases[i]), problem);
    }
    if (report.index_rebuilt) spdlog::info("log {} segment {}: index rebuilt", p->where(), Segment::log_name(bases[i]));
    for (int64_t position : report.corrupt_positions) p->corrupt_batches_.insert({bases[i], position});
    // An empty segment that is not the newest (a crash right after a roll) holds nothing.
    if ((*seg)->size_bytes() == 0 && i + 1 < bases.size() && !read_only) {
      SLUICE_RETURN_IF_ERROR((*seg)->remove_files());
      continue;
    }
    p->segments_.push_back(std::move(seg).value());
  }
  if (p->segments_.empty() && read_only) return Status::not_found("log " + p->where() + " has no segments yet");
  if (p->segments_.empty()) {
    auto seg = Segment::create(files, dir, 0);
    if (!seg) return seg.status().with_context("log " + p->where());
    p->segments_.push_back(std::move(seg).value());
    SLUICE_RETURN_IF_ERROR(files.sync_directory(dir));
  }
  // Offsets continue after the last intact batch of any segment.
  for (const auto& seg : p->segments_) p->next_offset_ = std::max(p->next_offset_, seg->next_offset());
  p->visible_end_ = p->next_offset_;
  return p;
}

void Partition::set_config(const TopicConfig& config) {
  std::lock_guard lock(mutex_);
  config_ = config;
}

Status Partition::roll_locked() {
  auto& active = segments_.back();
  // A closed segment is complete on disk before the next one starts.
  SLUICE_RETURN_IF_ERROR(active->sync());
  SLUICE_RETURN_IF_ERROR(active->sync_index());
  // Everything written so far is durable now, whatever the policy.
  synced_seq_ = written_seq_;
  visible_end_ = next_offset_;
  sync_cv_.notify_all();
  data_cv_.notify_all();
  auto seg = Segment::create(*fs_, dir_, next_offset_);
  if (!seg) return seg.status();
  segments_.push_back(std::move(seg).value());
  return fs_->sync_directory(dir_);
}

Result<AppendResult> Partition::append(std::span<const Record> records, const Key256* key) {
  std::unique_lock lock(mutex_);
  if (closed_) return Status::unavailable("log " + where() + " is closed");
  if (read_only_) return Status::internal("log " + where() + " was opened read-only");
  if (!failed_.is_ok()) return failed_;
  const int64_t now = now_us();
  const auto& active = segments_.back();
  if (active->size_bytes() > 0 &&
      (active->size_bytes() >= config_.segment_bytes || now - active->created_us() >= config_.segment_age_us)) {
    SLUICE_RETURN_IF_ERROR(roll_locked().with_context("log " + where() + ": roll"));
  }
  BatchEncoding encoding;
  encoding.codec = config_.codec;
  encoding.key = key;
  encoding.key_id = config_.encryption_key;
  encode_buffer_.clear();
  SLUICE_RETURN_IF_ERROR(encode_batch(next_offset_, records, encoding, &encode_buffer_));
  int64_t max_ts = INT64_MIN;
  for (const Record& r : records) max_ts = std::max(max_ts, r.timestamp_us);
  Status written = segments_.back()->append(encode_buffer_, next_offset_, static_cast<uint32_t>(records.size()), max_ts);
  if (!written.is_ok()) return written.with_context("log " + where());
  AppendResult result{next_offset_, next_offset_ + static_cast<int64_t>(records.size()) - 1};
  next_offset_ += static_cast<int64_t>(records.size());
  const uint64_t mine = ++written_seq_;
  dirty_ = true;
  if (config_.durability != Durability::kAlways) {
    visible_end_ = next_offset_;
    data_cv_.notify_all();
    return result;
  }
  // Group commit: one fsync covers every append written before it started.
  while (synced_seq_ < mine) {
    if (!failed_.is_ok()) return failed_;
    if (syncing_) {
      sync_cv_.wait(lock);
      continue;
    }
    syncing_ = true;
    const uint64_t target = written_seq_;
    const int64_t target_end = next_offset_;
    std::shared_ptr<Segment> seg = segments_.back();
    dirty_ = false;
    lock.unlock();
    Status s = seg->sync();
    lock.lock();
    syncing_ = false;
    if (!s.is_ok()) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing
      // since the last good sync can be trusted, so stop accepting appends.
      failed_ = s.with_context("log " + where() + " (appends stop until restart)");
      sync_cv_.notify_all();
      return failed_;
    }
    synced_seq_ = std::max(synced_seq_, target);
    visible_end_ = std::max(visible_end_, target_end);
    sync_cv_.notify_all();
    data_cv_.notify_all();
  }
  return result;
}

Status Partition::sync_if_dirty() {
  std::unique_lock lock(mutex_);
  if (!dirty_ || syncing_ || closed_) return Status::ok();
  dirty_ = false;
  std::shared_ptr<Segment> seg = segments_.back();
  lock.unlock();
  return seg->sync().with_context("log " + where());
}

Result<ReadResult> Partition::read(int64_t offset, size_t max_bytes, int64_t max_wait_us, const KeyRing* keys) {
  ReadResult result;
  std::shared_ptr<Segment> seg;
  int64_t position = 0, end = 0;
  // Taken together under the lock: `end` is final only if the segment was closed then.
  int64_t visible = 0;
  bool active = false;
  {
    std::unique_lock lock(mutex_);
    offset = std::max(offset, segments_.front()->base_offset());
    if (offset >= visible_end_ && max_wait_us > 0 && !closed_) {
      data_cv_.wait_for(lock, std::chrono::microseconds(max_wait_us),
                        [&] { return offset < visible_end_ || closed_; });
    }
    result.next_offset = offset;
    if (offset >= visible_end_) return result;
    auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                               [](int64_t o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
    seg = *std::prev(it);
    position = seg->position_for(offset);
    // Appends extend the file under this lock, so `end` is always a batch boundary.
    // Under `always`, batches past the last fsync are left for a later read.
    end = seg->size_bytes();
    visible = visible_end_;
    active = seg == segments_.back();
    if (std::next(it) != segments_.end() && seg->next_offset() <= offset) {
      // The offset falls in a gap (a skipped corrupt batch at a segment's end).
      result.next_offset = (*std::next(it))->base_offset();
      return result;
    }
  }

  // Records of plain batches point into the chunk they were read in, so a chunk
  // that holds any is handed to the result and the next read gets a new one.
  auto chunk_bytes = std::make_unique<std::string>();
  bool chunk_referenced = false;
  size_t chunk = std::max<size_t>(max_bytes, 64 * 1024);
  size_t consumed_bytes = 0;
  bool reached_invisible = false;
  while (position < end && consumed_bytes < max_bytes && !reached_invisible) {
    if (chunk_referenced) {
      result.storage.push_back(std::move(chunk_bytes));
      chunk_bytes = std::make_unique<std::string>();
      chunk_referenced = false;
    }
    std::string& bytes = *chunk_bytes;
    SLUICE_RETURN_IF_ERROR(seg->read_at(position, chunk, end, &bytes));
    size_t pos = 0;
    bool stop = false;
    while (pos < bytes.size() && consumed_bytes < max_bytes) {
      BatchHeader h;
      Status s = parse_batch(std::string_view(bytes).substr(pos), &h);
      if (s.code() == StatusCode::kNotFound) {
        const bool at_segment_end = position + static_cast<int64_t>(bytes.size()) >= end;
        if (!at_segment_end) {
          if (pos == 0) {
            // The batch is longer than the chunk: read again with room for all of it.
            uint32_t length = 0;
            if (bytes.size() >= 8) std::memcpy(&length, bytes.data() + 4, 4);
            chunk = std::max<size_t>(chunk * 2, 8 + size_t(length));
          }
          break;
        }
        s = Status::corruption("batch runs past the end of the segment");
      }
      if (!s.is_ok()) {
        // Damage found after recovery: report it, count it, step over it.
        const int64_t bad_at = position + static_cast<int64_t>(pos);
        std::string rest;
        SLUICE_RETURN_IF_ERROR(seg->read_at(bad_at, static_cast<size_t>(end - bad_at), end, &rest));
        const size_t next = find_next_batch(rest, 1);
        std::string what = "log " + where() + ": skipped corrupt batch at position " + std::to_string(bad_at) +
                           " of " + seg->log_path() + " (" + s.message() + ")";
        bool first_time;
        {
          std::lock_guard lock(mutex_);
          first_time = corrupt_batches_.insert({seg->base_offset(), bad_at}).second;
        }
        if (first_time) spdlog::error("{}", what);
        result.skipped.push_back(std::move(what));
        if (next == std::string::npos) {
          // Nothing intact follows in this segment: its remaining offsets are gone.
          result.next_offset = std::max(result.next_offset, active ? visible : seg->next_offset());
          position = end;
        } else {
          BatchHeader n;
          if (parse_batch(std::string_view(rest).substr(next), &n).is_ok()) {
            result.next_offset = std::max(result.next_offset, n.base_offset);
          }
          position = bad_at + static_cast<int64_t>(next);
        }
        stop = true;
        break;
      }
      if (h.next_offset() > visible) {  // not durable yet under `always`: the next read starts here
        reached_invisible = true;
        break;
      }
      if (h.next_offset() > offset) {
        auto storage = std::make_unique<std::string>();
        const size_t before = result.records.size();
        Status d = decode_records(std::string_view(bytes).substr(pos, h.total_bytes()), h, keys, storage.get(),
                                  &result.records);
        if (!d.is_ok()) {
          result.records.resize(before);
          return d.with_context("log " + where());
        }
        // Drop records before the requested offset (the batch started earlier).
        auto first = std::find_if(result.records.begin() + static_cast<long>(before), result.records.end(),
                                  [&](const ReadRecord& r) { return r.offset >= offset; });
        result.records.erase(result.records.begin() + static_cast<long>(before), first);
        if (storage->empty()) {
          chunk_referenced = true;
        } else {
          result.storage.push_back(std::move(storage));
        }
        result.next_offset = std::max(result.next_offset, h.next_offset());
        consumed_bytes += h.total_bytes();
      }
      pos += h.total_bytes();
    }
    if (!stop) position += static_cast<int64_t>(pos);
  }
  if (chunk_referenced) result.storage.push_back(std::move(chunk_bytes));
  // Reached the end of a closed segment: the next read continues in the next one.
  // Never past records that are not visible yet: they are read once they are.
  if (!active && position >= end && !reached_invisible) {
    result.next_offset = std::max(result.next_offset, std::min(seg->next_offset(), visible));
  }
  return result;
}

Status Partition::apply_retention(int64_t keep_from, int64_t now) {
  std::vector<std::shared_ptr<Segment>> doomed;
  {
    std::lock_guard lock(mutex_);
    int64_t total = 0;
    for (const auto& seg : segments_) total += seg->size_bytes();
    size_t remove = 0;
    while (remove + 1 < segments_.size()) {
      const Segment& seg = *segments_[remove];
      const bool over_size = config_.retention_bytes >= 0 && total > config_.retention_bytes;
      const bool too_old = config_.retention_age_us >= 0 && now - seg.last_write_us() > config_.retention_age_us;
      if (!over_size && !too_old) break;
      if (!config_.retention_deletes_uncommitted && seg.next_offset() > keep_from) break;
      total -= seg.size_bytes();
      ++remove;
    }
    doomed.assign(segments_.begin(), segments_.begin() + static_cast<long>(remove));
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<long>(remove));
  }
  for (const auto& seg : doomed) {
    spdlog::info("log {}: retention removes segment {} (offsets {} to {})", where(), seg->log_path(),
                 seg->base_offset(), seg->next_offset() - 1);
    SLUICE_RETURN_IF_ERROR(seg->remove_files());
  }
  if (!doomed.empty()) return fs_->sync_directory(dir_);
  return Status::ok();
}

int64_t Partition::release_consumed_cache(int64_t consumed_to) {
  std::lock_guard lock(mutex_);
  int64_t released = 0;
  for (const auto& seg : segments_) {
    if (seg->base_offset() >= consumed_to) break;
    // A segment read to its end goes whole; the one holding `consumed_to` up to the
    // batch the index finds for it (at or before it, so never a page still to be read).
    const int64_t position =
        seg->next_offset() <= consumed_to ? seg->size_bytes() : seg->position_for(consumed_to);
    released += seg->release_cache_before(position);
  }
  return released;
}

PartitionInfo Partition::info() const {
  std::lock_guard lock(mutex_);
  PartitionInfo info;
  info.partition = id_;
  info.start_offset = segments_.front()->base_offset();
  info.end_offset = visible_end_;
  for (const auto& seg : segments_) info.bytes += seg->size_bytes();
  info.segments = static_cast<int64_t>(segments_.size());
  info.corrupt_batches = corrupt_batches_.size();
  return info;
}

int64_t Partition::end_offset() const {
  std::lock_guard lock(mutex_);
  return visible_end_;
}

int64_t Partition::start_offset() const {
  std::lock_guard lock(mutex_);
  return segments_.front()->base_offset();
}

void Partition::wake_readers() {
  std::lock_guard lock(mutex_);
  data_cv_.notify_all();
}

Status Partition::close() {
  std::unique_lock lock(mutex_);
  if (closed_) return Status::ok();
  sync_cv_.wait(lock, [&] { return !syncing_; });
  closed_ = true;
  data_cv_.notify_all();
  if (config_.durability == Durability::kNever || segments_.empty() || read_only_) return Status::ok();
  SLUICE_RETURN_IF_ERROR(segments_.back()->sync());
  return segments_.back()->sync_index();
}

}  // namespace sluice::log

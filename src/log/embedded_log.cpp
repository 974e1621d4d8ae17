#include "log/embedded_log.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "core/time.h"
#include "log/record_batch.h"

namespace sluice::log {

namespace fs = std::filesystem;

// How often the page cache of committed log data is handed back: at hundreds of MB/s
// written, committed data then stays cached at most ~200 ms (tens of MB).
constexpr int64_t kCacheReleaseIntervalUs = 200'000;

const char* durability_name(Durability d) {
  switch (d) {
    case Durability::kAlways: return "always";
    case Durability::kInterval: return "interval";
    case Durability::kNever: return "never";
  }
  return "?";
}

bool valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name[0] == '.' || name[0] == '_') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string topic_config_text(const TopicConfig& c) {
  std::ostringstream out;
  out << "partitions " << c.partitions << "\n"
      << "fsync " << durability_name(c.durability) << "\n"
      << "fsync_interval_us " << c.fsync_interval_us << "\n"
      << "segment_bytes " << c.segment_bytes << "\n"
      << "segment_age_us " << c.segment_age_us << "\n"
      << "retention_bytes " << c.retention_bytes << "\n"
      << "retention_age_us " << c.retention_age_us << "\n"
      << "retention_deletes_uncommitted " << (c.retention_deletes_uncommitted ? 1 : 0) << "\n"
      << "compression " << codec_name(c.codec) << "\n";
  if (!c.encryption_key.empty()) out << "encryption_key " << c.encryption_key << "\n";
  return out.str();
}

Result<TopicConfig> parse_topic_config(const std::string& text, const std::string& where) {
  TopicConfig c;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string key, value;
    fields >> key >> value;
    const std::string at = where + ":" + std::to_string(number);
    try {
      if (key == "partitions") c.partitions = std::stoi(value);
      else if (key == "fsync") c.durability = value == "always" ? Durability::kAlways : value == "never" ? Durability::kNever : Durability::kInterval;
      else if (key == "fsync_interval_us") c.fsync_interval_us = std::stoll(value);
      else if (key == "segment_bytes") c.segment_bytes = std::stoll(value);
      else if (key == "segment_age_us") c.segment_age_us = std::stoll(value);
      else if (key == "retention_bytes") c.retention_bytes = std::stoll(value);
      else if (key == "retention_age_us") c.retention_age_us = std::stoll(value);
      else if (key == "retention_deletes_uncommitted") c.retention_deletes_uncommitted = value == "1";
      else if (key == "compression") c.codec = value == "zstd" ? Codec::kZstd : value == "lz4" ? Codec::kLz4 : Codec::kNone;
      else if (key == "encryption_key") c.encryption_key = value;
      // Unknown keys are skipped: a newer version may have written them.
    } catch (const std::exception&) {
      return Status::corruption(at + ": bad value \"" + value + "\" for " + key);
    }
  }
  if (c.partitions < 1) return Status::corruption(where + ": partitions must be at least 1");
  return c;
}

EmbeddedLog::~EmbeddedLog() { (void)close(); }

Result<std::unique_ptr<EmbeddedLog>> EmbeddedLog::open(EmbeddedLogOptions options) {
  std::unique_ptr<EmbeddedLog> log(new EmbeddedLog(std::move(options)));
  log->fs_ = log->options_.fs ? log->options_.fs : &FileSystem::posix();
  const bool read_only = log->options_.read_only;
  std::error_code ec;
  if (read_only) {
    if (!fs::is_directory(log->options_.dir)) return Status::not_found("no log under " + log->options_.dir);
  } else {
    fs::create_directories(log->options_.dir, ec);
    if (ec) return Status::io_error("cannot create log directory " + log->options_.dir + ": " + ec.message());
    const std::string lock_path = log->options_.dir + "/LOCK";
    log->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (log->lock_fd_ < 0) return errno_status(errno, "open " + lock_path);
    if (::flock(log->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return Status::unavailable("another sluice process is using the log in " + log->options_.dir +
                                 " (" + lock_path + " is locked); stop it, or give this pipeline its own data_dir");
    }
  }
  auto offsets = OffsetStore::open(*log->fs_, log->options_.dir + "/_groups", read_only);
  if (!offsets) return offsets.status();
  log->offsets_ = std::move(offsets).value();
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(log->options_.dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && valid_topic_name(name) && fs::exists(entry.path() / "topic.conf")) names.push_back(name);
  }
  for (const std::string& name : names) SLUICE_RETURN_IF_ERROR(log->open_topic(name, nullptr));
  log->disk_bytes_ = log->recount_disk_bytes();
  if (!read_only) log->background_ = std::thread([p = log.get()] { p->background_loop(); });
  return log;
}

Status EmbeddedLog::open_topic(const std::string& name, const TopicConfig* wanted) {
  const std::string dir = options_.dir + "/" + name;
  const std::string conf_path = dir + "/topic.conf";
  TopicConfig config;
  auto stored_text = read_whole_file(conf_path);
  if (stored_text) {
    auto stored = parse_topic_config(*stored_text, conf_path);
    if (!stored) return stored.status();
    config = *stored;
    if (wanted && wanted->partitions != config.partitions) {
      return Status::invalid("topic \"" + name + "\" has " + std::to_string(config.partitions) +
                             " partitions on disk but the pipeline asks for " + std::to_string(wanted->partitions) +
                             "; changing the count would move keys between partitions (use a new topic name)");
    }
  } else if (stored_text.status().code() != StatusCode::kNotFound) {
    return stored_text.status();
  } else if (!wanted) {
    return Status::not_found("topic \"" + name + "\" does not exist");
  }
  if (wanted && options_.read_only) return Status::internal("the log was opened read-only");
  if (wanted) config = *wanted;
  config.name = name;
  // Opening an existing topic without its key is fine (`sluice log topics`); appends need it.
  if (wanted && !config.encryption_key.empty() && !options_.keys.find(config.encryption_key)) {
    return Status::invalid("topic \"" + name + "\": encryption key \"" + config.encryption_key +
                           "\" is not loaded (add it to the key file or the key variable)");
  }
  if (!options_.read_only) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::io_error("cannot create " + dir + ": " + ec.message());
    const std::string text = topic_config_text(config);
    if (!stored_text || *stored_text != text) SLUICE_RETURN_IF_ERROR(write_file_atomically(*fs_, conf_path, text));
  }

  auto topic = std::make_unique<Topic>();
  topic->config = config;
  for (int32_t p = 0; p < config.partitions; ++p) {
    auto part = Partition::open(*fs_, dir + "/" + std::to_string(p), name, p, config, options_.read_only);
    if (!part) return part.status();
    topic->partitions.push_back(std::move(part).value());
  }
  std::lock_guard lock(mutex_);
  topics_[name] = std::move(topic);
  return Status::ok();
}

Status EmbeddedLog::ensure_topic(const TopicConfig& config) {
  if (!valid_topic_name(config.name)) {
    return Status::invalid("invalid topic name \"" + config.name + "\": use letters, digits, '_', '-', '.'");
  }
  if (config.partitions < 1 || config.partitions > 1024) return Status::invalid("partitions must be 1 to 1024");
  if (options_.read_only) return Status::internal("the log was opened read-only");
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(config.name);
    if (it != topics_.end()) {
      Topic& topic = *it->second;
      if (topic.config.partitions != config.partitions) {
        return Status::invalid("topic \"" + config.name + "\" has " + std::to_string(topic.config.partitions) +
                               " partitions on disk but the pipeline asks for " +
                               std::to_string(config.partitions) +
                               "; changing the count would move keys between partitions (use a new topic name)");
      }
      if (!config.encryption_key.empty() && !options_.keys.find(config.encryption_key)) {
        return Status::invalid("topic \"" + config.name + "\": encryption key \"" + config.encryption_key +
                               "\" is not loaded (add it to the key file or the key variable)");
      }
      topic.config = config;
      for (auto& p : topic.partitions) p->set_config(config);
      return write_file_atomically(*fs_, options_.dir + "/" + config.name + "/topic.conf", topic_config_text(config));
    }
  }
  return open_topic(config.name, &config);
}

Result<Partition*> EmbeddedLog::partition(const std::string& topic, int32_t partition, Topic** out_topic) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return Status::not_found("no topic \"" + topic + "\"");
  if (partition < 0 || partition >= static_cast<int32_t>(it->second->partitions.size())) {
    return Status::not_found("topic \"" + topic + "\" has no partition " + std::to_string(partition));
  }
  if (out_topic) *out_topic = it->second.get();
  return it->second->partitions[static_cast<size_t>(partition)].get();
}

Result<AppendResult> EmbeddedLog::append(const std::string& topic, int32_t partition_id,
                                         std::span<const Record> records) {
  Topic* topic_state = nullptr;
  auto part = partition(topic, partition_id, &topic_state);
  if (!part) return part.status();
  size_t bytes = kBatchHeaderBytes;
  for (const Record& r : records) bytes += r.key.size() + r.value.size() + 6;
  if (options_.disk_limit_bytes >= 0 && disk_bytes_.load() + static_cast<int64_t>(bytes) > options_.disk_limit_bytes) {
    return Status::exhausted("the log is at its disk usage limit (" + std::to_string(disk_bytes_.load()) + " of " +
                             std::to_string(options_.disk_limit_bytes) + " bytes); retry when consumers catch up");
  }
  if (options_.backlog_limit_records >= 0) {
    const int64_t end = (*part)->end_offset();
    const int64_t from = offsets_->lowest_committed(topic, partition_id).value_or((*part)->start_offset());
    if (end - from + static_cast<int64_t>(records.size()) > options_.backlog_limit_records) {
      return Status::exhausted("topic \"" + topic + "\" partition " + std::to_string(partition_id) + " has " +
                               std::to_string(end - from) + " unconsumed records, at its backlog limit of " +
                               std::to_string(options_.backlog_limit_records));
    }
  }
  std::string key_id;
  {
    std::lock_guard lock(mutex_);
    key_id = topic_state->config.encryption_key;
  }
  const Key256* key = key_id.empty() ? nullptr : options_.keys.find(key_id);
  if (!key_id.empty() && key == nullptr) {
    return Status::invalid("topic \"" + topic + "\" is encrypted with key \"" + key_id + "\", which is not loaded");
  }
  auto result = (*part)->append(records, key);
  if (result) disk_bytes_.fetch_add(static_cast<int64_t>(bytes));
  return result;
}

Result<ReadResult> EmbeddedLog::read(const std::string& topic, int32_t partition_id, int64_t offset,
                                     size_t max_bytes, int64_t max_wait_us) {
  auto part = partition(topic, partition_id);
  if (!part) return part.status();
  return (*part)->read(offset, max_bytes, max_wait_us, &options_.keys);
}

Status EmbeddedLog::commit(const std::string& group, const std::string& topic,
                           std::span<const std::pair<int32_t, int64_t>> offsets) {
  for (const auto& [partition_id, offset] : offsets) {
    auto part = partition(topic, partition_id);
    if (!part) return part.status();
    if (offset > (*part)->end_offset() || offset < 0) {
      return Status::invalid("commit of offset " + std::to_string(offset) + " for " + topic + "/" +
                             std::to_string(partition_id) + " is outside 0.." + std::to_string((*part)->end_offset()));
    }
  }
  return offsets_->commit(group, topic, offsets);
}

Result<int64_t> EmbeddedLog::committed(const std::string& group, const std::string& topic, int32_t partition_id) {
  auto part = partition(topic, partition_id);
  if (!part) return part.status();
  const int64_t start = (*part)->start_offset();
  return std::max(start, offsets_->committed(group, topic, partition_id).value_or(start));
}

Result<std::vector<TopicInfo>> EmbeddedLog::topics() {
  std::lock_guard lock(mutex_);
  std::vector<TopicInfo> out;
  for (const auto& [name, topic] : topics_) {
    TopicInfo info;
    info.config = topic->config;
    for (const auto& p : topic->partitions) info.partitions.push_back(p->info());
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<GroupOffset>> EmbeddedLog::group_offsets(const std::string& group) {
  std::vector<GroupOffset> out;
  for (const auto& e : offsets_->entries(group)) {
    GroupOffset g{e.group, e.topic, e.partition, e.offset, 0};
    if (auto part = partition(e.topic, e.partition)) g.end_offset = (*part)->end_offset();
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::unique_ptr<GroupMembership>> EmbeddedLog::join(const std::string&,
                                                           const std::vector<std::string>& topics,
                                                           GroupListener& listener) {
  std::vector<TopicPartition> all;
  {
    std::lock_guard lock(mutex_);
    for (const std::string& name : topics) {
      auto it = topics_.find(name);
      if (it == topics_.end()) return Status::not_found("log: no topic \"" + name + "\" to read");
      for (int32_t p = 0; p < it->second->config.partitions; ++p) all.push_back({name, p});
    }
  }
  listener.assigned(all);
  return std::make_unique<GroupMembership>();
}

std::vector<std::pair<std::string, Partition*>> EmbeddedLog::all_partitions() {
  std::vector<std::pair<std::string, Partition*>> parts;
  std::lock_guard lock(mutex_);
  for (auto& [name, topic] : topics_) {
    for (auto& p : topic->partitions) parts.emplace_back(name, p.get());
  }
  return parts;
}

Status EmbeddedLog::apply_retention() {
  if (options_.read_only) return Status::ok();
  const std::vector<std::pair<std::string, Partition*>> parts = all_partitions();
  Status first;
  const int64_t now = now_us();
  for (auto& [name, p] : parts) {
    const int32_t id = p->id();
    // With no group reading the topic, nothing counts as consumed.
    const int64_t keep_from = offsets_->lowest_committed(name, id).value_or(p->start_offset());
    Status s = p->apply_retention(keep_from, now);
    if (!s.is_ok() && first.is_ok()) first = s;
  }
  disk_bytes_ = recount_disk_bytes();
  return first;
}

int64_t EmbeddedLog::release_consumed_cache() {
  if (options_.read_only) return 0;
  const std::vector<std::pair<std::string, Partition*>> parts = all_partitions();
  int64_t released = 0;
  for (auto& [name, p] : parts) {
    // With no group reading the topic, nothing counts as consumed.
    if (auto consumed_to = offsets_->lowest_committed(name, p->id())) {
      released += p->release_consumed_cache(*consumed_to);
    }
  }
  return released;
}

int64_t EmbeddedLog::recount_disk_bytes() {
  int64_t total = 0;
  std::lock_guard lock(mutex_);
  for (auto& [name, topic] : topics_) {
    for (auto& p : topic->partitions) total += p->info().bytes;
  }
  return total;
}

void EmbeddedLog::background_loop() {
  int64_t next_retention = now_us() + options_.retention_check_interval_us;
  int64_t next_cache_release = now_us() + kCacheReleaseIntervalUs;
  std::unique_lock lock(background_mutex_);
  while (!stopping_) {
    // Wake as often as the shortest fsync interval asks, at most every millisecond.
    int64_t wait_us = 100'000;
    {
      std::lock_guard topics_lock(mutex_);
      for (auto& [name, topic] : topics_) {
        if (topic->config.durability == Durability::kInterval) {
          wait_us = std::min(wait_us, std::max<int64_t>(1000, topic->config.fsync_interval_us));
        }
      }
    }
    background_cv_.wait_for(lock, std::chrono::microseconds(wait_us));
    if (stopping_) break;
    lock.unlock();
    const int64_t now = now_us();
    std::vector<Partition*> due;
    {
      std::lock_guard topics_lock(mutex_);
      for (auto& [name, topic] : topics_) {
        if (topic->config.durability != Durability::kInterval) continue;
        if (now - topic->last_sync_us < topic->config.fsync_interval_us) continue;
        topic->last_sync_us = now;
        for (auto& p : topic->partitions) due.push_back(p.get());
      }
    }
    for (Partition* p : due) {
      if (Status s = p->sync_if_dirty(); !s.is_ok()) spdlog::error("{}", s.message());
    }
    if (now >= next_cache_release) {
      release_consumed_cache();
      next_cache_release = now + kCacheReleaseIntervalUs;
    }
    if (now >= next_retention) {
      if (Status s = apply_retention(); !s.is_ok()) spdlog::error("log retention: {}", s.message());
      next_retention = now + options_.retention_check_interval_us;
    }
    lock.lock();
  }
}

Status EmbeddedLog::close() {
  {
    std::lock_guard lock(background_mutex_);
    if (closed_) return Status::ok();
    closed_ = true;
    stopping_ = true;
    background_cv_.notify_all();
  }
  if (background_.joinable()) background_.join();
  Status first;
  std::lock_guard lock(mutex_);
  for (auto& [name, topic] : topics_) {
    for (auto& p : topic->partitions) {
      Status s = p->close();
      if (!s.is_ok() && first.is_ok()) first = s;
    }
  }
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);  // releases the lock
    lock_fd_ = -1;
  }
  return first;
}

}  // namespace sluice::log

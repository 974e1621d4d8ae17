#include "log/offset_store.h"

#include <filesystem>
#include <sstream>

namespace sluice::log {

namespace {
constexpr const char* kHeader = "sluice-offsets 1";
constexpr const char* kSuffix = ".offsets";
}  // namespace

bool valid_group_name(const std::string& name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

Result<std::unique_ptr<OffsetStore>> OffsetStore::open(FileSystem& fs, std::string dir, bool read_only) {
  std::unique_ptr<OffsetStore> store(new OffsetStore());
  store->fs_ = &fs;
  store->dir_ = std::move(dir);
  store->read_only_ = read_only;
  std::error_code ec;
  if (!read_only) std::filesystem::create_directories(store->dir_, ec);
  if (ec) return Status::io_error("cannot create " + store->dir_ + ": " + ec.message());
  if (read_only && !std::filesystem::exists(store->dir_)) return store;
  for (const auto& entry : std::filesystem::directory_iterator(store->dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".tmp")) {
      if (read_only) continue;
      std::filesystem::remove(entry.path(), ec);
    } else if (name.ends_with(kSuffix)) {
      SLUICE_RETURN_IF_ERROR(store->load(entry.path().string(), name.substr(0, name.size() - 8)));
    }
  }
  return store;
}

Status OffsetStore::load(const std::string& path, const std::string& group) {
  auto text = read_whole_file(path);
  if (!text) return text.status();
  std::istringstream in(*text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    return Status::corruption(path + ": not a committed-offsets file (first line should be \"" + kHeader + "\")");
  }
  auto& offsets = groups_[group];
  int number = 1;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream fields(line);
    std::string topic;
    int32_t partition;
    int64_t offset;
    std::string extra;
    if (!(fields >> topic >> partition >> offset) || (fields >> extra) || partition < 0 || offset < 0) {
      return Status::corruption(path + ":" + std::to_string(number) + ": expected \"<topic> <partition> <offset>\"");
    }
    offsets[{topic, partition}] = offset;
  }
  return Status::ok();
}

Status OffsetStore::commit(const std::string& group, const std::string& topic,
                           std::span<const std::pair<int32_t, int64_t>> offsets) {
  if (!valid_group_name(group)) return Status::invalid("invalid consumer group name \"" + group + "\"");
  if (read_only_) return Status::internal("offsets were opened read-only");
  std::lock_guard lock(mutex_);
  auto updated = groups_[group];
  for (const auto& [partition, offset] : offsets) updated[{topic, partition}] = offset;
  std::string content = std::string(kHeader) + "\n";
  for (const auto& [key, offset] : updated) {
    content += key.first + " " + std::to_string(key.second) + " " + std::to_string(offset) + "\n";
  }
  // Written under the lock: two commits of one group must not race on its file.
  SLUICE_RETURN_IF_ERROR(write_file_atomically(*fs_, dir_ + "/" + group + kSuffix, content));
  groups_[group] = std::move(updated);
  return Status::ok();
}

std::optional<int64_t> OffsetStore::committed(const std::string& group, const std::string& topic,
                                              int32_t partition) const {
  std::lock_guard lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return std::nullopt;
  auto it = g->second.find({topic, partition});
  if (it == g->second.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> OffsetStore::lowest_committed(const std::string& topic, int32_t partition) const {
  std::lock_guard lock(mutex_);
  std::optional<int64_t> lowest;
  for (const auto& [group, offsets] : groups_) {
    // A group that reads the topic but has not committed this partition yet has read none of it.
    auto any = offsets.lower_bound({topic, INT32_MIN});
    if (any == offsets.end() || any->first.first != topic) continue;
    auto it = offsets.find({topic, partition});
    const int64_t offset = it == offsets.end() ? 0 : it->second;
    if (!lowest || offset < *lowest) lowest = offset;
  }
  return lowest;
}

std::vector<OffsetStore::Entry> OffsetStore::entries(const std::string& group_or_all) const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  for (const auto& [group, offsets] : groups_) {
    if (!group_or_all.empty() && group != group_or_all) continue;
    for (const auto& [key, offset] : offsets) out.push_back({group, key.first, key.second, offset});
  }
  return out;
}

}  // namespace sluice::log

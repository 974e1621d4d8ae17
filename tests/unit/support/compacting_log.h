// CompactingLog: an in-memory Log whose partitions compact as Kafka's log cleaner
// does — the newest record of each key stays, at its offset, and the offsets of
// the records removed become gaps — for tests of what sluice keeps in compacted
// topics. One topic config per name; no groups.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "log/log.h"

namespace sluice::testing {

class CompactingLog final : public log::Log {
 public:
  struct Stored {
    int64_t offset;
    std::string key, value;
  };

  Status ensure_topic(const log::TopicConfig& config) override {
    auto& t = topics_[config.name];
    t.config = config;
    t.partitions.resize(static_cast<size_t>(config.partitions));
    return Status::ok();
  }

  Result<log::AppendResult> append(const std::string& topic, int32_t partition,
                                   std::span<const log::Record> records) override {
    Partition* p = find(topic, partition);
    if (!p) return Status::not_found("no partition " + topic + "/" + std::to_string(partition));
    // A broker that stores the first records of an append and then fails it.
    const size_t keep = store_only_ >= 0 ? std::min(records.size(), size_t(store_only_)) : records.size();
    log::AppendResult result{p->end, p->end + static_cast<int64_t>(keep) - 1};
    for (size_t i = 0; i < keep; ++i)
      p->records.push_back(Stored{p->end++, std::string(records[i].key), std::string(records[i].value)});
    if (store_only_ >= 0) {
      store_only_ = -1;
      return Status::unavailable("append stored " + std::to_string(keep) + " of " +
                                 std::to_string(records.size()) + " records");
    }
    return result;
  }

  Result<log::ReadResult> read(const std::string& topic, int32_t partition, int64_t offset,
                               size_t max_bytes, int64_t) override {
    Partition* p = find(topic, partition);
    if (!p) return Status::not_found("no partition " + topic + "/" + std::to_string(partition));
    log::ReadResult result;
    result.next_offset = offset;
    auto storage = std::make_unique<std::string>();
    std::vector<const Stored*> taken;
    size_t bytes = 0;
    for (const Stored& r : p->records) {
      if (r.offset < offset) continue;
      if (!taken.empty() && bytes + r.value.size() > max_bytes) break;
      taken.push_back(&r);
      bytes += r.key.size() + r.value.size();
    }
    storage->reserve(bytes);
    for (const Stored* r : taken) {
      storage->append(r->key).append(r->value);
      result.next_offset = r->offset + 1;
    }
    size_t at = 0;
    for (const Stored* r : taken) {
      log::ReadRecord record;
      record.offset = r->offset;
      record.key = std::string_view(storage->data() + at, r->key.size());
      record.value = std::string_view(storage->data() + at + r->key.size(), r->value.size());
      at += r->key.size() + r->value.size();
      result.records.push_back(record);
    }
    result.storage.push_back(std::move(storage));
    return result;
  }

  Result<std::vector<log::TopicInfo>> topics() override {
    std::vector<log::TopicInfo> out;
    for (const auto& [name, t] : topics_) {
      log::TopicInfo info;
      info.config = t.config;
      for (size_t i = 0; i < t.partitions.size(); ++i) {
        const Partition& p = t.partitions[i];
        log::PartitionInfo part;
        part.partition = static_cast<int32_t>(i);
        part.start_offset = p.records.empty() ? p.end : p.records.front().offset;
        part.end_offset = p.end;
        info.partitions.push_back(part);
      }
      out.push_back(std::move(info));
    }
    return out;
  }

  Status commit(const std::string&, const std::string&,
                std::span<const std::pair<int32_t, int64_t>>) override {
    return Status::ok();
  }
  Result<int64_t> committed(const std::string&, const std::string&, int32_t) override { return 0; }
  Result<std::unique_ptr<log::GroupMembership>> join(const std::string&,
                                                     const std::vector<std::string>&,
                                                     log::GroupListener&) override {
    return Status::invalid("CompactingLog has no groups");
  }
  Result<std::vector<log::GroupOffset>> group_offsets(const std::string&) override {
    return std::vector<log::GroupOffset>{};
  }
  Status close() override { return Status::ok(); }

  // The next append stores only its first `records` records and then fails.
  void store_only_in_next_append(int records) { store_only_ = records; }

  // Keeps the newest record of each key, at its offset.
  void compact(const std::string& topic, int32_t partition) {
    Partition* p = find(topic, partition);
    std::map<std::string, int64_t> newest;
    for (const Stored& r : p->records) newest[r.key] = r.offset;
    std::vector<Stored> kept;
    for (Stored& r : p->records)
      if (newest[r.key] == r.offset) kept.push_back(std::move(r));
    p->records = std::move(kept);
  }

  const std::vector<Stored>& records(const std::string& topic, int32_t partition) {
    return find(topic, partition)->records;
  }

 private:
  struct Partition {
    std::vector<Stored> records;
    int64_t end = 0;
  };
  struct Topic {
    log::TopicConfig config;
    std::vector<Partition> partitions;
  };
  Partition* find(const std::string& topic, int32_t partition) {
    auto it = topics_.find(topic);
    if (it == topics_.end() || partition < 0 ||
        static_cast<size_t>(partition) >= it->second.partitions.size())
      return nullptr;
    return &it->second.partitions[static_cast<size_t>(partition)];
  }

  std::map<std::string, Topic> topics_;
  int store_only_ = -1;
};

}  // namespace sluice::testing

#include "runtime/topic_reader.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "format/event_codec.h"
#include "runtime/topic_writer.h"

namespace sluice::runtime {

TopicReader::TopicReader(log::Log& log, std::string topic, int32_t partitions,
                         std::string source_name, size_t read_bytes, observe::ComponentStats& stats)
    : log_(log),
      topic_(std::move(topic)),
      source_name_(std::move(source_name)),
      read_bytes_(read_bytes),
      stats_(stats),
      offsets_(static_cast<size_t>(partitions), 0),
      split_at_(static_cast<size_t>(partitions), 0) {
  for (int32_t p = 0; p < partitions; ++p) owned_.push_back(p);
}

Status TopicReader::own(const std::vector<int32_t>& partitions, const std::string& group) {
  std::vector<int32_t> owned;
  for (int32_t p : partitions) {
    if (p < 0 || static_cast<size_t>(p) >= offsets_.size()) {
      return Status::invalid("topic " + topic_ + ": assigned partition " + std::to_string(p) +
                             " of " + std::to_string(offsets_.size()));
    }
    auto committed = log_.committed(group, topic_, p);
    if (!committed) return committed.status();
    offsets_[static_cast<size_t>(p)] = *committed;
    owned.push_back(p);
  }
  owned_ = std::move(owned);
  turn_ = 0;
  return Status::ok();
}

void TopicReader::split_at(int32_t partition, int64_t offset) {
  if (partition >= 0 && static_cast<size_t>(partition) < split_at_.size()) split_at_[partition] = offset;
}

Status TopicReader::seek_to_committed(const std::string& group) {
  for (size_t p = 0; p < offsets_.size(); ++p) {
    auto committed = log_.committed(group, topic_, static_cast<int32_t>(p));
    if (!committed) return committed.status();
    offsets_[p] = *committed;
  }
  return Status::ok();
}

Result<std::optional<Batch>> TopicReader::next(int64_t max_wait_us) {
  if (owned_.empty()) {
    // Another instance reads them all (or none is assigned yet).
    std::this_thread::sleep_for(std::chrono::microseconds(std::min<int64_t>(max_wait_us, 50'000)));
    return std::optional<Batch>();
  }
  // One pass over the partitions without waiting; then wait on one of them.
  for (size_t attempt = 0; attempt <= owned_.size(); ++attempt) {
    const bool last = attempt == owned_.size();
    const size_t p = static_cast<size_t>(owned_[turn_++ % owned_.size()]);
    auto read = log_.read(topic_, static_cast<int32_t>(p), offsets_[p], read_bytes_, last ? max_wait_us : 0);
    if (!read) return read.status();
    if (!read->skipped.empty()) stats_.add_error();
    if (read->records.empty()) {
      offsets_[p] = std::max(offsets_[p], read->next_offset);  // stepped over damage or retention
      if (last) return std::optional<Batch>();
      continue;
    }
    size_t take = read->records.size();
    int64_t next_offset = read->next_offset;
    if (split_at_[p] > offsets_[p]) {
      take = 0;
      while (take < read->records.size() && read->records[take].offset < split_at_[p]) ++take;
      if (take < read->records.size()) next_offset = split_at_[p];
      if (take == 0) {
        offsets_[p] = split_at_[p];
        continue;
      }
    }
    Batch batch;
    batch.origin.source = source_name_;
    batch.origin.partition = static_cast<int32_t>(p);
    batch.origin.first_offset = read->records.front().offset;
    batch.origin.last_offset = read->records[take - 1].offset;
    batch.events.reserve(take);
    Arena& arena = batch.arena();
    for (size_t i = 0; i < take; ++i) {
      const log::ReadRecord& r = read->records[i];
      std::string_view bytes = arena.copy_string(r.value);
      Event e;
      e.time_us = r.timestamp_us;
      e.offset = r.offset;
      Status s = format::decode_value(bytes, arena, &e.fields);
      if (!s.is_ok() || !e.fields.is_object()) {
        // The batch passed its checksum, so this is a bug or a foreign writer; never a crash.
        stats_.add_error();
        if (decode_errors_++ % 1000 == 0) {
          spdlog::error("topic {} partition {} offset {}: cannot decode record: {}", topic_, p, r.offset,
                        s.is_ok() ? "not an object" : s.message());
        }
        continue;
      }
      batch.events.push_back(e);
      if (read_upstream_) {
        UpstreamPosition position = upstream_of_key(r.key).value_or(UpstreamPosition{});
        // Records of a batch mostly share one source: its name is copied once.
        const bool same =
            !batch.upstream.empty() && batch.upstream.back().source == position.source;
        position.source = same ? batch.upstream.back().source : arena.copy_string(position.source);
        batch.upstream.push_back(position);
      }
    }
    offsets_[p] = next_offset;
    return std::optional<Batch>(std::move(batch));
  }
  return std::optional<Batch>();
}

Result<std::vector<int64_t>> TopicReader::end_offsets() const {
  auto topics = log_.topics();
  if (!topics) return topics.status();
  for (const log::TopicInfo& t : *topics) {
    if (t.config.name != topic_) continue;
    std::vector<int64_t> ends;
    for (const auto& p : t.partitions) ends.push_back(p.end_offset);
    return ends;
  }
  return Status::not_found("no topic \"" + topic_ + "\"");
}

bool TopicReader::reached(const std::vector<int64_t>& ends) const {
  for (int32_t p : owned_) {
    const size_t i = static_cast<size_t>(p);
    if (i < ends.size() && offsets_[i] < ends[i]) return false;
  }
  return true;
}

}  // namespace sluice::runtime

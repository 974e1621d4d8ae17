#include "runtime/topic_writer.h"

#include "core/time.h"
#include "format/event_codec.h"

namespace sluice::runtime {

int32_t partition_for_key(std::string_view key, int32_t partitions) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int32_t>(h % static_cast<uint64_t>(partitions));
}

TopicWriter::TopicWriter(log::Log& log, std::string topic, int32_t partitions, std::vector<FieldPath> key_fields,
                         observe::ComponentStats* stats, DeliveryLatency* delivery)
    : log_(log),
      topic_(std::move(topic)),
      partitions_(partitions),
      key_fields_(std::move(key_fields)),
      stats_(stats),
      delivery_(delivery) {}

Status TopicWriter::append(const Batch& batch) {
  if (batch.empty()) return Status::ok();
  // Encodings of all events and keys, then views into them: one buffer, no allocation per event.
  thread_local std::string bytes;
  thread_local std::vector<size_t> bounds;  // per event: value start, key start, key end
  thread_local std::vector<std::vector<log::Record>> by_partition;
  bytes.clear();
  bounds.clear();
  const int64_t started = steady_now_us();
  const int64_t ingest_time = now_us();
  for (const Event& e : batch.events) {
    bounds.push_back(bytes.size());
    format::encode_value(e.fields, &bytes);
    bounds.push_back(bytes.size());
    for (const FieldPath& path : key_fields_) {
      const Value* v = lookup(e.fields, path);
      format::encode_value(v ? *v : Value::null(), &bytes);
    }
    bounds.push_back(bytes.size());
  }
  by_partition.resize(static_cast<size_t>(partitions_));
  for (auto& records : by_partition) records.clear();
  const int32_t batch_partition =
      key_fields_.empty() ? static_cast<int32_t>(next_partition_.fetch_add(1) % static_cast<uint32_t>(partitions_)) : 0;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const size_t value_at = bounds[3 * i], key_at = bounds[3 * i + 1], key_end = bounds[3 * i + 2];
    log::Record r;
    r.timestamp_us = batch.events[i].time_us != 0 ? batch.events[i].time_us : ingest_time;
    r.value = std::string_view(bytes).substr(value_at, key_at - value_at);
    r.key = std::string_view(bytes).substr(key_at, key_end - key_at);
    const int32_t p = key_fields_.empty() ? batch_partition : partition_for_key(r.key, partitions_);
    by_partition[static_cast<size_t>(p)].push_back(r);
  }
  for (int32_t p = 0; p < partitions_; ++p) {
    const auto& records = by_partition[static_cast<size_t>(p)];
    // Batches of at most ~8 MiB: the log frames each append as one batch.
    size_t from = 0, bytes_in_chunk = 0;
    for (size_t i = 0; i <= records.size(); ++i) {
      if (i == records.size() || (bytes_in_chunk > (8u << 20) && i > from)) {
        if (i > from) {
          auto appended = log_.append(topic_, p, std::span(records).subspan(from, i - from));
          if (!appended) return appended.status();
          if (delivery_) delivery_->appended(topic_, p, appended->first_offset, appended->last_offset, steady_now_us());
        }
        from = i;
        bytes_in_chunk = 0;
      }
      if (i < records.size()) bytes_in_chunk += records[i].value.size() + records[i].key.size();
    }
  }
  if (stats_) {
    stats_->add_bytes_out(bytes.size());
    stats_->batch_seconds.observe_us(steady_now_us() - started);
  }
  return Status::ok();
}

}  // namespace sluice::runtime

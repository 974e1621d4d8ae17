#include "runtime/topic_writer.h"

#include <algorithm>
#include <unordered_map>

#include "core/time.h"
#include "core/varint.h"
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

// The append span(s), and the records they cover, so the trace continues after the log.
void TopicWriter::trace_append(const Batch& batch, int64_t started_ns, const std::vector<AppendedRange>& ranges) {
  observe::Span details;
  details.attribute("sluice.topic", topic_).attribute("sluice.events", static_cast<int64_t>(batch.size()));
  if (ranges.size() == 1) {
    details.attribute("sluice.partition", static_cast<int64_t>(ranges[0].partition))
        .attribute("sluice.first_offset", ranges[0].first)
        .attribute("sluice.last_offset", ranges[0].last);
  }
  std::vector<TraceContext> children;
  tracer_->record_stage(batch.origin.traces, "append " + topic_, started_ns, observe::unix_now_ns(), details, &children);
  if (!registry_) return;
  for (const AppendedRange& r : ranges) {
    for (const TraceContext& c : children) registry_->add(topic_, r.partition, r.first, r.last, c);
  }
}

Status TopicWriter::append(const Batch& batch) {
  if (batch.empty()) return Status::ok();
  // Encodings of all events and keys, then views into them: one buffer, no allocation per event.
  thread_local std::string bytes;
  thread_local std::vector<size_t>
      bounds;  // per event: value start, key start, key fields end, key end
  thread_local std::vector<std::vector<log::Record>> by_partition;
  bytes.clear();
  bounds.clear();
  const int64_t started = steady_now_us();
  const int64_t ingest_time = now_us();
  const bool traced = tracer_ != nullptr && !batch.origin.traces.empty();
  const int64_t started_ns = traced ? observe::unix_now_ns() : 0;
  // Announced before any record is readable, ended after the ranges are noted.
  struct Announced {
    TraceRegistry* registry;
    const std::string& topic;
    ~Announced() {
      if (registry) registry->end_append(topic);
    }
  } announced{traced ? registry_ : nullptr, topic_};
  if (announced.registry) announced.registry->begin_append(topic_);
  std::vector<AppendedRange> appended_ranges;
  // Upstream: an event's ordinal among the events of its record (adjacent when the
  // batch is in offset order, as the runtime hands it; counted otherwise).
  const auto by_offset = [](const Event& a, const Event& b) { return a.offset < b.offset; };
  const bool in_order =
      !carry_upstream_ || std::is_sorted(batch.events.begin(), batch.events.end(), by_offset);
  std::unordered_map<int64_t, uint32_t> ordinals;
  uint32_t ordinal = 0;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    bounds.push_back(bytes.size());
    format::encode_value(e.fields, &bytes);
    bounds.push_back(bytes.size());
    for (const FieldPath& path : key_fields_) {
      const Value* v = lookup(e.fields, path);
      format::encode_value(v ? *v : Value::null(), &bytes);
    }
    bounds.push_back(bytes.size());
    if (carry_upstream_) {
      if (in_order) {
        ordinal = i > 0 && batch.events[i - 1].offset == e.offset ? ordinal + 1 : 0;
      } else {
        ordinal = ordinals[e.offset]++;
      }
      const size_t from = bytes.size();
      put_varint(static_cast<uint64_t>(std::max(batch.origin.partition, 0)), &bytes);
      put_varint(static_cast<uint64_t>(std::max<int64_t>(e.offset + 1, 0)), &bytes);
      put_varint(ordinal, &bytes);
      const std::string_view source = std::string_view(batch.origin.source).substr(0, 200);
      bytes += source;
      bytes.push_back(static_cast<char>(source.size()));
      bytes.push_back(static_cast<char>(bytes.size() - from));
    }
    bounds.push_back(bytes.size());
  }
  by_partition.resize(static_cast<size_t>(partitions_));
  for (auto& records : by_partition) records.clear();
  const int32_t batch_partition =
      key_fields_.empty() ? static_cast<int32_t>(next_partition_.fetch_add(1) % static_cast<uint32_t>(partitions_)) : 0;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const size_t value_at = bounds[4 * i], key_at = bounds[4 * i + 1],
                 fields_end = bounds[4 * i + 2], key_end = bounds[4 * i + 3];
    log::Record r;
    r.timestamp_us = batch.events[i].time_us != 0 ? batch.events[i].time_us : ingest_time;
    r.value = std::string_view(bytes).substr(value_at, key_at - value_at);
    r.key = std::string_view(bytes).substr(key_at, key_end - key_at);
    const int32_t p =
        key_fields_.empty()
            ? batch_partition
            : partition_for_key(std::string_view(bytes).substr(key_at, fields_end - key_at),
                                partitions_);
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
          if (traced) appended_ranges.push_back({p, appended->first_offset, appended->last_offset});
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
  if (traced) trace_append(batch, started_ns, appended_ranges);
  return Status::ok();
}

std::optional<UpstreamPosition> upstream_of_key(std::string_view key) {
  if (key.size() < 2) return std::nullopt;
  const size_t length = static_cast<unsigned char>(key.back());
  if (length < 1 || length + 1 > key.size()) return std::nullopt;
  const char* p = key.data() + key.size() - 1 - length;
  const char* name_end = key.data() + key.size() - 2;
  const size_t name_length = static_cast<unsigned char>(*name_end);
  uint64_t partition = 0, offset = 0, ordinal = 0;
  if (!get_varint(p, name_end, &partition) || !get_varint(p, name_end, &offset) ||
      !get_varint(p, name_end, &ordinal) || static_cast<size_t>(name_end - p) != name_length) {
    return std::nullopt;
  }
  UpstreamPosition position;
  position.source = std::string_view(p, name_length);
  position.partition = static_cast<int32_t>(partition);
  position.offset = static_cast<int64_t>(offset) - 1;
  position.ordinal = static_cast<uint32_t>(ordinal);
  return position;
}

}  // namespace sluice::runtime

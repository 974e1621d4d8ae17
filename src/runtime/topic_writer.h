// TopicWriter: appends a source's batches of events to its log topic.
//
// Each event becomes one record: its fields in the binary event encoding
// (format/event_codec.h), its event time, and as key the encoded values of the
// topic's key fields. Events with equal keys go to the same partition (hash of the
// key); without key fields each batch goes whole to the next partition in turn, so
// batches stay large. Thread-safe: HTTP ingest calls it from several threads.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/field_path.h"
#include "core/status.h"
#include "log/log.h"
#include "observe/component_stats.h"
#include "observe/tracing/tracer.h"
#include "runtime/delivery_latency.h"
#include "runtime/trace_registry.h"

namespace sluice::runtime {

class TopicWriter {
 public:
  // With `stats`, counts the bytes appended and times each append; with `delivery`,
  // notes each append so its delivery latency can be measured at commit.
  TopicWriter(log::Log& log, std::string topic, int32_t partitions, std::vector<FieldPath> key_fields,
              observe::ComponentStats* stats = nullptr, DeliveryLatency* delivery = nullptr);

  // Traced batches (origin.traces) get an append span, and their records are noted
  // in `registry` so the pipeline continues the trace when it reads them.
  void trace_with(observe::Tracer* tracer, TraceRegistry* registry) {
    tracer_ = tracer;
    registry_ = registry;
  }

  // Each record's key also carries where its event was first read (the batch's
  // source and partition, the event's offset and its place among the events of that
  // record), after the key fields and not part of the partitioning: a repartition
  // topic (partitioned_state.h), whose reader tells a replayed event from a new one.
  // Layout: key fields | varint partition | varint offset + 1 | varint ordinal |
  // source name (≤ 200 bytes) | u8 its length | u8 length of what follows the key
  // fields, without this byte.
  void carry_upstream() { carry_upstream_ = true; }

  // Appends every event of the batch; returns once all are durable by the topic's policy.
  Status append(const Batch& batch);

  const std::string& topic() const { return topic_; }

 private:
  struct AppendedRange {
    int32_t partition;
    int64_t first, last;
  };
  void trace_append(const Batch& batch, int64_t started_ns, const std::vector<AppendedRange>& ranges);

  log::Log& log_;
  std::string topic_;
  int32_t partitions_;
  std::vector<FieldPath> key_fields_;
  observe::ComponentStats* stats_;
  DeliveryLatency* delivery_;
  observe::Tracer* tracer_ = nullptr;
  TraceRegistry* registry_ = nullptr;
  std::atomic<uint32_t> next_partition_{0};
  bool carry_upstream_ = false;
};

// The upstream position a key written with carry_upstream() ends with; nullopt when
// it does not end with one (a record some other writer appended).
std::optional<UpstreamPosition> upstream_of_key(std::string_view key);

// The partition of a key: stable across runs and machines (FNV-1a, 64 bits).
int32_t partition_for_key(std::string_view key, int32_t partitions);

}  // namespace sluice::runtime

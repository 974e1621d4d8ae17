// TopicReader: reads a source's topic from where the pipeline's consumer group
// left off and turns records back into batches of events.
//
// Not thread-safe: one reader thread owns it. Offsets advance as batches are read;
// what is committed is decided by the CommitTracker once sinks made them durable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/status.h"
#include "log/log.h"
#include "observe/component_stats.h"

namespace sluice::runtime {

class TopicReader {
 public:
  TopicReader(log::Log& log, std::string topic, int32_t partitions, std::string source_name, size_t read_bytes,
              observe::ComponentStats& stats);

  // Starts every partition at the group's committed offset.
  Status seek_to_committed(const std::string& group);

  // From now on reads only `partitions`, each from the group's committed offset
  // (they may come from another instance of the group). Until called, every partition.
  Status own(const std::vector<int32_t>& partitions, const std::string& group);

  // No batch will span `offset` of `partition`: records below it come in batches of
  // their own. Set after a restart, at a checkpoint's offsets, so each batch is
  // wholly already-counted or wholly new to the stateful transforms.
  void split_at(int32_t partition, int64_t offset);

  // Batches carry each record's upstream position (TopicWriter::carry_upstream):
  // the reader of a repartition topic.
  void read_upstream() { read_upstream_ = true; }

  // The next batch of records from some partition (they take turns), waiting up to
  // `max_wait_us` when none has any. nullopt: nothing new.
  Result<std::optional<Batch>> next(int64_t max_wait_us);

  // True when every partition it reads was read up to `ends` (from end_offsets()).
  bool reached(const std::vector<int64_t>& ends) const;
  Result<std::vector<int64_t>> end_offsets() const;

  const std::string& topic() const { return topic_; }
  const std::vector<int64_t>& offsets() const { return offsets_; }

 private:
  log::Log& log_;
  std::string topic_;
  std::string source_name_;
  size_t read_bytes_;
  observe::ComponentStats& stats_;
  std::vector<int64_t> offsets_;
  std::vector<int64_t> split_at_;  // per partition; inactive once offsets_ reach it
  std::vector<int32_t> owned_;     // the partitions it reads, in turn
  size_t turn_ = 0;
  uint64_t decode_errors_ = 0;
  bool read_upstream_ = false;
};

}  // namespace sluice::runtime

// LakeFile: one Parquet file of the lake being written — its columns, the row
// group in memory, the bytes not yet stored, and the object they go to.
//
// Rows are built column by column (the sink appends values, then end_row()). The
// file's columns may still grow or widen until its first row group is encoded;
// from then on the schema is frozen and a change needs a new file.
//
// Encoding (row groups, footer) is CPU work into pending bytes; store() does the
// I/O and can be called again after a failure: bytes are appended once, and the
// final commit (fsync, rename) is retried where it stopped. So the sink never has
// to take events back because a disk was full for a while.
//
// For events from the log the file records the offset range it holds and is
// named after it (file_names.h) when it is finished. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "format/parquet/column_buffer.h"
#include "format/parquet/file_writer.h"
#include "sink/lake/storage.h"

namespace sluice::sink::lake {

struct LakeFileOptions {
  std::string prefix;
  format::parquet::ChunkOptions chunk;
  size_t dictionary_bytes = 1 << 20;
};

class LakeFile {
 public:
  // `topic` empty and `partition` -1: a file of events without log offsets.
  LakeFile(std::string dir, std::string topic, int32_t partition, const LakeFileOptions& options,
           uint64_t first_batch, int64_t opened_us, uint64_t sequence);

  const std::string& dir() const { return dir_; }
  const std::string& topic() const { return topic_; }
  int32_t partition() const { return partition_; }
  bool logged() const { return partition_ >= 0; }

  // ---- building rows ----
  bool frozen() const { return writer_ != nullptr; }
  // The file's column for sink-wide column `global`, or -1.
  int local_column(size_t global) const { return global < local_.size() ? local_[global] : -1; }
  // Adds a column (only before the schema is frozen); earlier rows are null in it.
  int add_column(size_t global, format::parquet::ColumnSpec spec);
  format::parquet::ColumnBuffer& column(int local) { return columns_[static_cast<size_t>(local)]; }
  const format::parquet::ColumnSpec& spec(int local) const {
    return specs_[static_cast<size_t>(local)];
  }
  void set_type(int local, format::parquet::ColumnType type) {
    specs_[static_cast<size_t>(local)].type = type;
  }
  size_t rows() const { return rows_; }  // rows in the row group being built
  void end_row();
  // Drops rows from `rows` on (they were not complete, or must move to the next file).
  void truncate(size_t rows);

  // ---- the offsets it holds ----
  void note_offset(int64_t offset);
  int64_t first_offset() const { return first_offset_; }
  int64_t last_offset() const { return last_offset_; }
  // Offset groups: events with the same offset must stay in one file.
  int64_t group_offset() const { return group_offset_; }
  size_t group_start_row() const { return group_start_row_; }
  void start_group(int64_t offset) {
    group_offset_ = offset;
    group_start_row_ = rows_;
    before_group_last_ = last_offset_;
  }
  // The last offset before the current group (what the file holds once the group is retracted).
  int64_t before_group_last() const { return before_group_last_; }
  void set_last_offset(int64_t offset) { last_offset_ = offset; }

  // The events of the current group in this file, valid while one batch is written.
  std::vector<const Event*> group_events;
  uint64_t last_used =
      0;  // the sink's sequence number of the last event appended (for closing the oldest)

  uint64_t first_batch() const { return first_batch_; }
  int64_t opened_us() const { return opened_us_; }
  // Bytes the file will have: stored or encoded, plus the row group in memory.
  size_t estimated_bytes(double compression_ratio) const;
  size_t buffered_bytes() const;

  // ---- encoding and storing ----
  // Encodes the rows in memory as a row group (no I/O).
  Status encode_row_group();
  // Encodes what is left and the footer, with `metadata`; the file then only needs store().
  Status finish(std::vector<format::parquet::KeyValue> metadata);
  bool finished() const { return finished_; }
  // Writes pending bytes and, once finished, commits the file under its final name.
  Status store(LakeStorage& storage);
  bool stored() const { return committed_; }
  // The file's final name (valid once finished).
  const std::string& final_name() const { return final_name_; }
  int64_t total_rows() const;
  // Drops an unfinished file (the sink is being destroyed).
  void abort();
  // Plain bytes and encoded bytes of the row groups encoded so far (compression ratio).
  size_t encoded_plain_bytes() const { return encoded_plain_bytes_; }
  size_t encoded_bytes() const { return encoded_bytes_; }
  const std::vector<format::parquet::ColumnSpec>& specs() const { return specs_; }

 private:
  std::string dir_, topic_;
  int32_t partition_;
  const LakeFileOptions& options_;
  uint64_t first_batch_;
  int64_t opened_us_;
  uint64_t sequence_;
  std::string temp_name_;
  std::vector<format::parquet::ColumnSpec> specs_;
  std::vector<format::parquet::ColumnBuffer> columns_;
  std::vector<int> local_;  // sink-wide column → file column, -1 when absent
  size_t rows_ = 0;
  int64_t first_offset_ = -1, last_offset_ = -1;
  int64_t group_offset_ = INT64_MIN, before_group_last_ = -1;
  size_t group_start_row_ = 0;
  std::unique_ptr<format::parquet::FileWriter> writer_;
  std::string pending_;  // encoded, not yet stored
  std::unique_ptr<LakeObject> object_;
  bool closing_ = false;  // finish() was called (maybe it failed)
  bool finished_ = false, committed_ = false;
  std::string final_name_;
  size_t encoded_plain_bytes_ = 0, encoded_bytes_ = 0;
};

}  // namespace sluice::sink::lake

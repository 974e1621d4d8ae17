#include "sink/lake/lake_file.h"

#include <algorithm>

#include "sink/lake/file_names.h"

namespace sluice::sink::lake {

using format::parquet::ColumnBuffer;
using format::parquet::ColumnSpec;

LakeFile::LakeFile(std::string dir, std::string topic, int32_t partition,
                   const LakeFileOptions& options, uint64_t first_batch, int64_t opened_us,
                   uint64_t sequence)
    : dir_(std::move(dir)),
      topic_(std::move(topic)),
      partition_(partition),
      options_(options),
      first_batch_(first_batch),
      opened_us_(opened_us),
      sequence_(sequence) {
  temp_name_ =
      temp_file_name(options_.prefix, std::to_string(opened_us_) + "-" + std::to_string(sequence_));
}

int LakeFile::add_column(size_t global, ColumnSpec spec) {
  if (global >= local_.size()) local_.resize(global + 1, -1);
  columns_.emplace_back(spec.type, options_.dictionary_bytes);
  columns_.back().pad_to(rows_);
  specs_.push_back(std::move(spec));
  local_[global] = static_cast<int>(columns_.size() - 1);
  return local_[global];
}

void LakeFile::end_row() {
  ++rows_;
  for (ColumnBuffer& c : columns_) c.pad_to(rows_);
}

// Columns may hold a value more than rows_ (a row being built): they are cut too.
void LakeFile::truncate(size_t rows) {
  rows_ = std::min(rows_, rows);
  for (ColumnBuffer& c : columns_) c.truncate(rows);
}

void LakeFile::note_offset(int64_t offset) {
  if (offset < 0) return;
  if (first_offset_ < 0) first_offset_ = offset;
  last_offset_ = offset;
}

size_t LakeFile::buffered_bytes() const {
  size_t bytes = 0;
  for (const ColumnBuffer& c : columns_) bytes += c.plain_bytes() + c.rows() / 8;
  return bytes;
}

size_t LakeFile::estimated_bytes(double compression_ratio) const {
  const size_t stored = object_ ? object_->size() : 0;
  return stored + pending_.size() +
         static_cast<size_t>(static_cast<double>(buffered_bytes()) * compression_ratio);
}

int64_t LakeFile::total_rows() const {
  return (writer_ ? writer_->rows() : 0) + static_cast<int64_t>(rows_);
}

Status LakeFile::encode_row_group() {
  if (rows_ == 0) return Status::ok();
  if (!writer_) {
    writer_ = std::make_unique<format::parquet::FileWriter>(specs_, options_.chunk);
    writer_->begin(&pending_);
  }
  const size_t plain = buffered_bytes();
  const size_t before = pending_.size();
  if (Status s = writer_->encode_row_group(columns_, rows_, &pending_); !s.is_ok()) {
    pending_.resize(before);  // no part of a row group that is not whole
    return s;
  }
  encoded_plain_bytes_ += plain;
  encoded_bytes_ += pending_.size() - before;
  for (ColumnBuffer& c : columns_) c.clear();
  rows_ = 0;
  group_start_row_ = 0;
  return Status::ok();
}

Status LakeFile::finish(std::vector<format::parquet::KeyValue> metadata) {
  if (finished_) return Status::ok();
  closing_ = true;
  SLUICE_RETURN_IF_ERROR(encode_row_group());
  if (!writer_) {  // no rows at all: still a valid (empty) file, with the schema
    writer_ = std::make_unique<format::parquet::FileWriter>(specs_, options_.chunk);
    writer_->begin(&pending_);
  }
  writer_->encode_footer(metadata, &pending_);
  final_name_ =
      logged() ? logged_file_name(options_.prefix, topic_, partition_, first_offset_, last_offset_)
               : unlogged_file_name(options_.prefix, opened_us_, sequence_);
  finished_ = true;
  return Status::ok();
}

Status LakeFile::store(LakeStorage& storage) {
  if (committed_) return Status::ok();
  if (closing_ && !finished_) {
    // Its encoding failed (a bug, or a page past 2 GiB): it never counts as stored,
    // so its batches stay uncommitted and a restart writes them again.
    return Status::internal("lake file " + temp_name_ + " in " + dir_ + " could not be finished");
  }
  if (pending_.empty() && !finished_) return Status::ok();
  if (!object_) {
    auto created = storage.create(dir_, temp_name_);
    if (!created) return created.status();
    object_ = std::move(*created);
  }
  if (!pending_.empty()) {
    SLUICE_RETURN_IF_ERROR(object_->append(pending_));
    std::string().swap(pending_);  // a row group's worth of memory, not needed until the next one
  }
  if (finished_) {
    SLUICE_RETURN_IF_ERROR(object_->commit(final_name_));
    committed_ = true;
  }
  return Status::ok();
}

void LakeFile::abort() {
  if (object_ && !committed_) object_->abort();
}

}  // namespace sluice::sink::lake

// FileWriter: turns row groups of ColumnBuffers into the bytes of a Parquet file.
//
// It does no I/O: begin() gives the leading magic, encode_row_group() the bytes
// of one row group, encode_footer() the metadata and trailer; the caller appends
// them to a file (or an object) in that order. Keeping bytes and I/O apart lets
// the lake retry a failed write of the same bytes, and lets an object store take
// the same writer.
//
// The schema is fixed for the file: one OPTIONAL leaf per ColumnSpec, under a root
// group named "schema". Not thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "format/parquet/column_buffer.h"
#include "format/parquet/column_chunk_writer.h"
#include "format/parquet/metadata.h"

namespace sluice::format::parquet {

class FileWriter {
 public:
  FileWriter(std::vector<ColumnSpec> schema, ChunkOptions options);

  const std::vector<ColumnSpec>& schema() const { return schema_; }
  // Appends the leading "PAR1".
  void begin(std::string* out);
  // Appends one row group: `columns` in schema order, each with exactly `rows` rows.
  // On an error nothing is appended.
  Status encode_row_group(std::span<const ColumnBuffer> columns, size_t rows, std::string* out);
  // Appends the footer: FileMetaData (with `metadata` as key/value pairs), its
  // length and the trailing "PAR1".
  void encode_footer(const std::vector<KeyValue>& metadata, std::string* out);

  int64_t rows() const { return rows_; }
  size_t row_groups() const { return row_groups_.size(); }
  // Bytes of the file so far.
  int64_t offset() const { return offset_; }

 private:
  std::vector<ColumnSpec> schema_;
  ChunkOptions options_;
  int64_t offset_ = 0;
  int64_t rows_ = 0;
  std::vector<RowGroup> row_groups_;
};

// The Parquet schema elements for `columns` (root first).
std::vector<SchemaElement> schema_elements(const std::vector<ColumnSpec>& columns);

}  // namespace sluice::format::parquet

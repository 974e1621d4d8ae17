// FileReader: reads Parquet files back — sluice's own, and flat files of other
// writers (Arrow, DuckDB, Spark) as far as their columns are flat.
//
// Supported: physical types BOOLEAN, INT32, INT64, INT96 (legacy timestamps),
// FLOAT, DOUBLE, BYTE_ARRAY; REQUIRED and OPTIONAL columns; data pages v1 and v2;
// encodings PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY and RLE (booleans); codecs
// none, snappy, gzip, zstd and LZ4_RAW; page CRCs are checked when present.
// Anything else (nested or repeated columns, DELTA encodings) is a clear error
// naming the file and the column — never a crash: the reader is fuzzed.
//
// Columns are decoded a row group at a time into ColumnBuffers, in sluice's
// column types (timestamps as UTC microseconds). Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/parquet/column_buffer.h"
#include "format/parquet/metadata.h"

namespace sluice::format::parquet {

struct ColumnInfo {
  std::string name;  // the leaf's name (dotted when sluice flattened an object)
  ColumnType type = ColumnType::kString;
  PhysicalType physical = PhysicalType::kByteArray;
  bool required = false;
  LogicalType logical;
  std::optional<int32_t> converted_type;
};

class FileReader {
 public:
  // A row group is decoded whole, column by column: this bounds the memory a file
  // (maybe hostile) can make the reader take. Writers use far fewer (DuckDB
  // 122,880 rows, Arrow 1 Mi, sluice's lake 64 MiB of data).
  static constexpr int64_t kMaxRowGroupRows = 1 << 24;

  // Reads the footer of a file on disk.
  static Result<std::unique_ptr<FileReader>> open(const std::string& path);
  // Reads a file held in memory (tests, fuzzing); `bytes` must outlive the reader.
  static Result<std::unique_ptr<FileReader>> from_bytes(std::string_view bytes,
                                                        std::string name = "<memory>");
  ~FileReader();

  const FileMetaData& metadata() const { return metadata_; }
  const std::vector<ColumnInfo>& columns() const { return columns_; }
  size_t row_groups() const { return metadata_.row_groups.size(); }
  int64_t rows() const { return metadata_.num_rows; }
  int64_t row_group_rows(size_t group) const { return metadata_.row_groups[group].num_rows; }

  // Decodes column `column` of row group `group`.
  Result<ColumnBuffer> read_column(size_t group, size_t column);

 private:
  FileReader() = default;
  Status read_range(int64_t offset, int64_t size, std::string* out) const;
  Status init();

  std::string name_;
  int fd_ = -1;
  std::string_view memory_;
  int64_t file_size_ = 0;
  FileMetaData metadata_;
  std::vector<ColumnInfo> columns_;
};

}  // namespace sluice::format::parquet

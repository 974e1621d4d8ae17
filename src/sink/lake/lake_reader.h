// LakeReader: reads the lake's Parquet files back into events, as the parquet
// sink got them — for `sluice replay` (backfill) and for tests.
//
// From each file's metadata it knows how the sink stored events: the time column
// becomes the event time (else the time of reading), dotted columns become nested
// objects again when the sink flattened them (`sluice.nested`), and the values of
// field partitions come back from the directory names (`service=auth` → .service;
// digits without a leading zero as an integer, else a string, a Hive null as no
// field). Files from other writers are read as flat tables.
//
// Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/field_path.h"
#include "format/parquet/file_reader.h"

namespace sluice::sink::lake {

class LakeReader {
 public:
  static Result<std::unique_ptr<LakeReader>> open(const std::string& path);

  int64_t rows() const { return reader_->rows(); }
  // Appends the next row group's rows to `batch` as events; false when none is left.
  Result<bool> next(Batch* batch);

 private:
  LakeReader() = default;

  // The shape of the events: a tree of field names in the order columns come, whose
  // leaves are columns (or partition values). Built once per file, so a row costs
  // no lookups and no allocation outside the batch's arena.
  struct Node {
    FieldId field = kInvalidFieldId;
    int leaf = -1;  // index into the row's values
    std::vector<uint32_t> children;
  };
  void add_leaf(const std::vector<FieldId>& path, int leaf);
  Value build(uint32_t node, const std::vector<Value>& values, Arena& arena) const;

  std::string path_;
  std::unique_ptr<format::parquet::FileReader> reader_;
  size_t group_ = 0;
  int time_column_ = -1;
  std::vector<Node> nodes_;  // nodes_[0] is the event itself
  std::vector<std::string>
      partition_values_;  // leaves after the columns: values from the directory names
};

// Every *.parquet file under `path` (a file or a directory, recursively), in path
// order, skipping hidden and `_`-prefixed entries as Hive-style readers do.
Result<std::vector<std::string>> lake_files(const std::string& path);

}  // namespace sluice::sink::lake

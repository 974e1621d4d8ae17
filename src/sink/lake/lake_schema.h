// LakeSchema: how events become rows of lake files — the sink-wide columns, their
// types as declared or as inferred so far, and the widening of a column when a
// value of another type arrives (docs/storage.md, "Schema").
//
// It knows every column any file of the sink has (so new files start with all of
// them, in one order) and appends one event as a row of one file. A row that needs
// a column the file cannot take any more (its schema is frozen once a row group is
// encoded) is refused with kSchemaChange: the sink then moves the event to a new
// file. Not thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/batch.h"
#include "format/column_mapper.h"
#include "format/parquet/column_type.h"
#include "observe/component_stats.h"
#include "sink/lake/lake_file.h"

namespace sluice::sink::lake {

class LakeSchema {
 public:
  enum class Appended { kOk, kSchemaChange, kRejected };

  // `excluded`: dotted names of fields stored in directory names (partition fields).
  LakeSchema(format::ColumnMapper::Nested nested, std::string time_column,
             std::set<std::string> excluded, std::string sink_name, observe::ComponentStats& stats);

  // A column with a fixed type (schema:, the time column).
  void declare(const std::string& name, format::parquet::ColumnType type);
  // Adds every known column to a new file, the time column first.
  void add_known_columns(LakeFile& file);
  // Appends `event` as one row of `file`; on kRejected *reason says why. Nothing of
  // the row stays in the file unless kOk.
  Appended append(LakeFile& file, const Event& event, std::string* reason);
  // "column: int64 -> double; ..." for the columns of `specs` that were widened.
  std::string promotions(const std::vector<format::parquet::ColumnSpec>& specs) const;

  const std::string& time_column() const { return time_column_; }

 private:
  struct Known {
    bool initialized = false;
    bool has_type = false;  // declared, or a value was seen
    format::parquet::ColumnType type = format::parquet::ColumnType::kString;
    bool declared = false;
    bool excluded = false;
    std::string promotions;  // "int64 -> double -> string"
  };
  Known& known(size_t column);
  void widen(size_t column, Known& k, format::parquet::ColumnType target);

  format::ColumnMapper mapper_;
  std::string time_column_;
  size_t time_column_id_ = 0;
  std::set<std::string> excluded_;
  std::string sink_name_;
  observe::ComponentStats& stats_;
  std::vector<Known> known_;
};

}  // namespace sluice::sink::lake

// Table: one SQLite table the sqlite sink writes, whose columns follow the events.
//
// The table is created with the first columns it needs and gains a column
// (ALTER TABLE … ADD COLUMN) when a field appears that it does not have. SQLite's
// typing is per value, so a column never has to change type: it is declared with
// the affinity of the first value (INTEGER, REAL or TEXT) and holds whatever comes.
// In upsert mode a unique index on the key columns turns a second write of the
// same key into an update — window results re-emitted after a restart replace
// themselves.
//
// Not thread-safe.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "sink/sqlite/database.h"

namespace sluice::sink::sqlite {

class Table {
 public:
  Table(Database& db, std::string name, std::vector<std::string> key_columns,
        std::string time_column);

  // Reads the columns of an existing table (it is created with its first column);
  // keeps a unique index on the key columns and, when `time_index`, one on the
  // time column (for retention).
  Status open(bool time_index);
  bool exists() const { return !columns_.empty(); }
  // Re-reads the columns from the database (after a rolled-back transaction).
  Status reload();

  // The position of column `name` in insert statements, adding the column with
  // `affinity` if the table lacks it (inside the caller's transaction). Column
  // names are case-insensitive in SQLite, so "ID" and "id" are one column (the
  // last value of a row wins).
  Result<int> column(const std::string& name, const char* affinity);
  size_t column_count() const { return columns_.size(); }

  // INSERT (or, with key columns, INSERT … ON CONFLICT DO UPDATE) of every column;
  // parameters in column order (1-based). Rebuilt after columns were added.
  Result<Statement*> insert();
  Status delete_older_than(const std::string& cutoff);

  const std::string& name() const { return name_; }

 private:
  static std::string column_key(std::string_view name);  // SQLite's ASCII case folding
  Status create(const std::string& first, const char* affinity);
  Status create_indexes();

  Database& db_;
  bool time_index_ = false;
  std::string name_;
  std::vector<std::string> key_columns_;
  std::string time_column_;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, int> positions_;
  Statement insert_;
  bool insert_stale_ = true;
};

}  // namespace sluice::sink::sqlite

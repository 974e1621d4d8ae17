#include "observe/dashboard/hot_tier.h"

#include <filesystem>

#include "observe/json_out.h"
#include "sink/sqlite/database.h"

namespace sluice::observe {

namespace {

using sink::sqlite::Database;
using sink::sqlite::quote_identifier;

// Reads the column names and newest rows of one table into two JSON arrays; a
// missing database or table is an empty table (the sink has not written yet).
Status read_rows(const HotTable& t, size_t limit, JsonOut& columns, JsonOut& j) {
  columns.begin_array();
  j.begin_array();
  std::error_code ec;
  if (!std::filesystem::exists(t.path, ec)) {
    columns.end_array();
    j.end_array();
    return Status::ok();
  }
  auto db = Database::open(sink::sqlite::read_only_uri(t.path), true);
  if (!db) return db.status();
  auto exists = (*db)->prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  if (!exists) return exists.status();
  exists->bind_text(1, t.table);
  auto found = exists->step();
  if (!found) return found.status();
  if (!*found) {
    columns.end_array();
    j.end_array();
    return Status::ok();
  }
  std::string sql = "SELECT * FROM " + quote_identifier(t.table);
  // Newest first; rowid breaks ties (and orders tables without a time column).
  sql += " ORDER BY " + (t.time_column.empty() ? std::string() : quote_identifier(t.time_column) + " DESC, ") +
         "rowid DESC LIMIT " + std::to_string(limit);
  auto stmt = (*db)->prepare(sql);
  if (!stmt) return stmt.status();
  sqlite3_stmt* s = stmt->get();
  const int n = sqlite3_column_count(s);
  for (int i = 0; i < n; ++i) columns.value(sqlite3_column_name(s, i));
  columns.end_array();
  while (true) {
    auto row = stmt->step();
    if (!row) return row.status();
    if (!*row) break;
    j.begin_array();
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(s, i)) {
        case SQLITE_INTEGER:
          j.value(static_cast<int64_t>(sqlite3_column_int64(s, i)));
          break;
        case SQLITE_FLOAT:
          j.value(sqlite3_column_double(s, i));
          break;
        case SQLITE_NULL:
          j.null();
          break;
        default:
          j.value(std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(s, i)),
                                   static_cast<size_t>(sqlite3_column_bytes(s, i))));
      }
    }
    j.end_array();
  }
  j.end_array();
  return Status::ok();
}

}  // namespace

std::vector<HotTable> hot_tables(const PipelineConfig& config) {
  std::vector<HotTable> out;
  for (const ComponentConfig& c : config.components) {
    if (c.kind != ComponentKind::kSink || c.type != "sqlite") continue;
    const bool hot = c.options.get_string("mode") == "upsert" || c.options.get_int("retention") > 0;
    if (!hot) continue;
    std::string path = c.options.get_string("path");
    if (!std::filesystem::path(path).is_absolute()) path = (std::filesystem::path(config.data_dir) / path).string();
    const std::string table = c.options.get_string("table");
    out.push_back({c.name, path, table.empty() ? c.name : table, c.options.get_string("time_column")});
  }
  return out;
}

std::string render_hot_tier(const std::vector<HotTable>& tables, size_t limit) {
  JsonOut j;
  j.begin_object();
  j.key("tables").begin_array();
  for (const HotTable& t : tables) {
    // Rows go into their own builders first, so a failure halfway leaves no half table.
    JsonOut columns;
    JsonOut rows;
    const Status s = read_rows(t, limit, columns, rows);
    j.begin_object();
    j.key("sink").value(t.sink);
    j.key("table").value(t.table);
    j.key("time_column").value(t.time_column);
    if (s.is_ok()) {
      j.key("columns").raw(columns.text());
      j.key("rows").raw(rows.text());
    } else {
      j.key("columns").begin_array().end_array();
      j.key("rows").begin_array().end_array();
      j.key("error").value(s.message());
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.take();
}

}  // namespace sluice::observe

#include "sink/sqlite/table.h"

#include <algorithm>

namespace sluice::sink::sqlite {

Table::Table(Database& db, std::string name, std::vector<std::string> key_columns,
             std::string time_column)
    : db_(db),
      name_(std::move(name)),
      key_columns_(std::move(key_columns)),
      time_column_(std::move(time_column)) {}

Status Table::reload() {
  columns_.clear();
  positions_.clear();
  auto info = db_.prepare("PRAGMA table_info(" + quote_identifier(name_) + ")");
  if (!info) return info.status();
  while (true) {
    auto row = info->step();
    if (!row) return row.status();
    if (!*row) break;
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(info->get(), 1));
    std::string column = text ? text : "";
    positions_[column_key(column)] = static_cast<int>(columns_.size()) + 1;
    columns_.push_back(std::move(column));
  }
  insert_stale_ = true;
  return Status::ok();
}

Status Table::open(bool time_index) {
  time_index_ = time_index;
  SLUICE_RETURN_IF_ERROR(reload());
  return columns_.empty() ? Status::ok() : create_indexes();
}

Status Table::create_indexes() {
  if (!key_columns_.empty()) {
    std::string sql = "CREATE UNIQUE INDEX IF NOT EXISTS " + quote_identifier(name_ + "_key") +
                      " ON " + quote_identifier(name_) + " (";
    for (size_t i = 0; i < key_columns_.size(); ++i)
      sql += (i ? ", " : "") + quote_identifier(key_columns_[i]);
    SLUICE_RETURN_IF_ERROR(db_.exec(sql + ")"));
  }
  if (time_index_ && !time_column_.empty()) {
    SLUICE_RETURN_IF_ERROR(
        db_.exec("CREATE INDEX IF NOT EXISTS " + quote_identifier(name_ + "_time") + " ON " +
                 quote_identifier(name_) + " (" + quote_identifier(time_column_) + ")"));
  }
  return Status::ok();
}

// The table is created with its first column, together with the key columns
// (declared without a type: they keep every value as it came) and the time column.
Status Table::create(const std::string& first, const char* affinity) {
  std::vector<std::pair<std::string, std::string>> columns;
  for (const std::string& k : key_columns_)
    columns.emplace_back(k, k == time_column_ ? "TEXT" : "");
  const auto has = [&](const std::string& n) {
    return std::any_of(columns.begin(), columns.end(), [&](const auto& c) { return c.first == n; });
  };
  if (!time_column_.empty() && !has(time_column_)) columns.emplace_back(time_column_, "TEXT");
  if (!has(first)) columns.emplace_back(first, affinity);
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(name_) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + quote_identifier(columns[i].first) +
           (columns[i].second.empty() ? "" : " ") + columns[i].second;
  }
  SLUICE_RETURN_IF_ERROR(db_.exec(sql + ")"));
  SLUICE_RETURN_IF_ERROR(reload());
  return create_indexes();
}

std::string Table::column_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return key;
}

Result<int> Table::column(const std::string& field, const char* affinity) {
  // SQLite names end at a NUL byte: keep the rest of a field name that has one.
  std::string name = field;
  for (char& c : name) c = c == '\0' ? '_' : c;
  auto it = positions_.find(column_key(name));
  if (it != positions_.end()) return it->second;
  if (columns_.empty()) {
    SLUICE_RETURN_IF_ERROR(create(name, affinity));
    return positions_.at(column_key(name));
  }
  SLUICE_RETURN_IF_ERROR(db_.exec("ALTER TABLE " + quote_identifier(name_) + " ADD COLUMN " +
                                  quote_identifier(name) + " " + affinity));
  columns_.push_back(name);
  positions_[column_key(name)] = static_cast<int>(columns_.size());
  insert_stale_ = true;
  return static_cast<int>(columns_.size());
}

Result<Statement*> Table::insert() {
  if (!insert_stale_) return &insert_;
  std::string sql = "INSERT INTO " + quote_identifier(name_) + " (";
  std::string values;
  for (size_t i = 0; i < columns_.size(); ++i) {
    sql += (i ? ", " : "") + quote_identifier(columns_[i]);
    values += (i ? ", ?" : "?");
  }
  sql += ") VALUES (" + values + ")";
  if (!key_columns_.empty()) {
    sql += " ON CONFLICT (";
    for (size_t i = 0; i < key_columns_.size(); ++i)
      sql += (i ? ", " : "") + quote_identifier(key_columns_[i]);
    sql += ") DO UPDATE SET ";
    bool any = false;
    for (const std::string& c : columns_) {
      if (std::find(key_columns_.begin(), key_columns_.end(), c) != key_columns_.end()) continue;
      sql += (any ? ", " : "") + quote_identifier(c) + " = excluded." + quote_identifier(c);
      any = true;
    }
    if (!any)
      sql += quote_identifier(key_columns_[0]) + " = excluded." + quote_identifier(key_columns_[0]);
  }
  auto stmt = db_.prepare(sql);
  if (!stmt) return stmt.status();
  insert_ = std::move(*stmt);
  insert_stale_ = false;
  return &insert_;
}

Status Table::delete_older_than(const std::string& cutoff) {
  auto stmt = db_.prepare("DELETE FROM " + quote_identifier(name_) + " WHERE " +
                          quote_identifier(time_column_) + " < ?");
  if (!stmt) return stmt.status();
  stmt->bind_text(1, cutoff);
  return stmt->run();
}

}  // namespace sluice::sink::sqlite

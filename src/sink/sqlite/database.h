// Database and Statement: a small RAII layer over SQLite's C API for the sqlite
// sink and `sluice query`. Errors are Status values that carry SQLite's message
// and the database file; no exceptions.
//
// Not thread-safe: one thread per Database (SQLite's own locking lets a reader
// process and a writer process share the file in WAL mode).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice::sink::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, std::string path) : stmt_(stmt), path_(std::move(path)) {}
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), path_(std::move(o.path_)) {
    o.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept;
  ~Statement();

  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }

  // Bind positions start at 1, as in SQLite.
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void bind_int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_double(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may be reused.
  void bind_text(int i, std::string_view v) {
    sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  // No copy: `v` must stay valid and unchanged until the statement is reset.
  void bind_text_static(int i, std::string_view v) {
    sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  // Runs to completion (statements without rows); resets for the next use.
  Status run();
  // Steps once: true with a row, false when done.
  Result<bool> step();
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string path_;
};

class Database {
 public:
  // Opens (creating when `read_only` is false) the database file at `path`.
  static Result<std::unique_ptr<Database>> open(const std::string& path, bool read_only);
  ~Database();

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }
  // "<path>: <SQLite's message>" for the last error on this connection.
  Status error(const std::string& what) const;

 private:
  Database() = default;
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A file URI that opens `path` read-only (for Database::open or ATTACH); '?', '#'
// and '%' in the path are escaped.
std::string read_only_uri(const std::string& path);

// `name` as an SQL identifier: "double quoted", quotes doubled.
std::string quote_identifier(std::string_view name);

}  // namespace sluice::sink::sqlite

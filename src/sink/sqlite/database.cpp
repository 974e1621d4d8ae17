#include "sink/sqlite/database.h"

#include <cstdio>

namespace sluice::sink::sqlite {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    path_ = std::move(o.path_);
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

namespace {
Status sqlite_status(sqlite3* db, int rc, const std::string& path, const std::string& what) {
  const std::string message =
      path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_FULL:
      return Status::exhausted(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::unavailable(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::corruption(message);
    case SQLITE_ERROR:
      return Status::invalid(message);
    default:
      return Status::io_error(message);
  }
}
}  // namespace

Status Statement::run() {
  while (true) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) continue;
    if (rc == SQLITE_DONE) {
      reset();
      return Status::ok();
    }
    Status s = sqlite_status(sqlite3_db_handle(stmt_), rc, path_, "statement failed");
    reset();
    return s;
  }
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_status(sqlite3_db_handle(stmt_), rc, path_, "query failed");
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool read_only) {
  std::unique_ptr<Database> d(new Database());
  d->path_ = path;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &d->db_,
                                 flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    Status s = sqlite_status(d->db_, rc, path, "cannot open");
    return s;
  }
  sqlite3_extended_result_codes(d->db_, 1);
  // Wait for a lock held by another process (a reader's checkpoint, another sink) rather than fail.
  sqlite3_busy_timeout(d->db_, 5000);
  return d;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Status Database::error(const std::string& what) const {
  return sqlite_status(db_, sqlite3_extended_errcode(db_), path_, what);
}

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::ok();
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  Status s = sqlite_status(nullptr, rc, path_, text);
  return Status(s.code(), path_ + ": " + text + " (in: " + sql.substr(0, 200) + ")");
}

Result<Statement> Database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db_, rc, path_, "cannot prepare");
  return Statement(stmt, path_);
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string read_only_uri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '?' || c == '#' || c == '%') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  return uri + "?mode=ro";
}

}  // namespace sluice::sink::sqlite

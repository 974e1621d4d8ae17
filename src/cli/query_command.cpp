// sluice query "SQL": SQL over the embedded warehouse and hot store (the SQLite
// databases of sqlite sinks), read-only, as a table, CSV or JSON.
//
// With --config every sqlite sink of the pipeline is attached under its sink's
// name (`select * from hot.minutes`); an unqualified table name is found in
// whichever database has it. --db opens files; with neither, every *.db file of
// the data_dir (./data) is attached under its file name. Safe while the pipeline runs:
// the databases are in WAL mode, readers never block the writer.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/config/config_loader.h"
#include "observe/history/metrics_history.h"
#include "format/json_writer.h"
#include "runtime/registry.h"
#include "sink/sqlite/database.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;
using sink::sqlite::Database;

struct QueryFlags {
  std::string sql;
  std::vector<std::string> dbs;
  std::string config;
  std::string data_dir = "./data";
  std::string format = "table";
  size_t max_width = 60;
};

struct Cell {
  bool null = true;
  bool number = false;  // integer or real: JSON without quotes, right-aligned in tables
  std::string text;
};

Cell read_cell(sqlite3_stmt* stmt, int column) {
  Cell c;
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      return c;
    case SQLITE_INTEGER:
      c.number = true;
      c.text = std::to_string(sqlite3_column_int64(stmt, column));
      break;
    case SQLITE_FLOAT:
      c.number = true;
      format::append_json(Value::floating(sqlite3_column_double(stmt, column)), c.text);
      break;
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, column));
      const int n = sqlite3_column_bytes(stmt, column);
      static const char* kHex = "0123456789abcdef";
      c.text = "x'";
      for (int i = 0; i < n; ++i) {
        c.text += kHex[bytes[i] >> 4];
        c.text += kHex[bytes[i] & 15];
      }
      c.text += "'";
      break;
    }
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      c.text.assign(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
    }
  }
  c.null = false;
  return c;
}

// CSV as RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(const Cell& c) {
  if (c.null) return "";
  if (c.text.find_first_of(",\"\r\n") == std::string::npos) return c.text;
  std::string out = "\"";
  for (char ch : c.text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// Display width of UTF-8 text: one column per code point (wide characters are rare in this data).
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string shown(const Cell& c, size_t max_width) {
  if (c.null) return "NULL";
  std::string t;
  for (char ch : c.text) t += (ch == '\n' || ch == '\t' || ch == '\r') ? ' ' : ch;
  if (display_width(t) <= max_width) return t;
  // Cut at a code point boundary.
  size_t width = 0, i = 0;
  while (i < t.size() && width < max_width - 1) {
    ++i;
    while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i;
    ++width;
  }
  return t.substr(0, i) + "…";
}

void print_table(const std::vector<std::string>& names, const std::vector<std::vector<Cell>>& rows,
                 size_t max_width) {
  std::vector<size_t> widths;
  for (const std::string& n : names) widths.push_back(display_width(n));
  std::vector<std::vector<std::string>> texts;
  for (const auto& row : rows) {
    texts.emplace_back();
    for (size_t c = 0; c < row.size(); ++c) {
      texts.back().push_back(shown(row[c], max_width));
      widths[c] = std::max(widths[c], display_width(texts.back().back()));
    }
  }
  auto pad = [](const std::string& s, size_t width, bool right) {
    const std::string space(width - std::min(width, display_width(s)), ' ');
    return right ? space + s : s + space;
  };
  std::string line;
  for (size_t c = 0; c < names.size(); ++c)
    line += (c ? " | " : "") + pad(names[c], widths[c], false);
  std::printf("%s\n", line.c_str());
  line.clear();
  for (size_t c = 0; c < names.size(); ++c) line += (c ? "-+-" : "") + std::string(widths[c], '-');
  std::printf("%s\n", line.c_str());
  for (size_t r = 0; r < rows.size(); ++r) {
    line.clear();
    for (size_t c = 0; c < names.size(); ++c) {
      line += (c ? " | " : "") + pad(texts[r][c], widths[c], rows[r][c].number);
    }
    std::printf("%s\n", line.c_str());
  }
  std::printf("(%zu row%s)\n", rows.size(), rows.size() == 1 ? "" : "s");
}
// The name a database is attached under; SQLite reserves main and temp.
std::string schema_name(const std::string& name) {
  return name == "main" || name == "temp" ? name + "_db" : name;
}

// The databases to open: --db files, or every sqlite sink of the pipeline (name → file).
Result<std::vector<std::pair<std::string, std::string>>> databases(const QueryFlags& f) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& db : f.dbs) out.emplace_back(fs::path(db).stem().string(), db);
  if (f.config.empty()) {
    if (!out.empty()) return out;
    // Neither: every database in the data_dir, each attached under its file's name.
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(f.data_dir, ec)) {
      if (entry.is_regular_file(ec) && entry.path().extension() == ".db") {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    for (const std::string& db : found) out.emplace_back(fs::path(db).stem().string(), db);
    if (out.empty()) {
      return Status::invalid("no database (*.db) in " + f.data_dir +
                             "; name one with --db FILE, a pipeline with --config FILE or a --data-dir");
    }
    return out;
  }
  Diagnostics diagnostics;
  auto config = load_pipeline_file(f.config, runtime::Registry::builtin(), diagnostics);
  if (!config) return Status::invalid(diagnostics.format());
  for (const ComponentConfig& c : config->components) {
    if (c.kind != ComponentKind::kSink || c.type != "sqlite") continue;
    std::string path = c.options.get_string("path");
    if (!fs::path(path).is_absolute()) path = (fs::path(config->data_dir) / path).string();
    bool seen = false;
    for (const auto& [name, file] : out) seen = seen || fs::path(file) == fs::path(path);
    if (!seen) out.emplace_back(c.name, path);
  }
  // The pipeline's own metrics history, when it has recorded one.
  const fs::path history = fs::path(config->data_dir) / observe::MetricsHistory::kFileName;
  std::error_code ec;
  if (fs::is_regular_file(history, ec)) out.emplace_back("metrics", history.string());
  if (out.empty()) return Status::invalid(f.config + " has no sqlite sink and no metrics history yet");
  return out;
}

int query(const QueryFlags& f) {
  auto dbs = databases(f);
  if (!dbs) {
    std::fprintf(stderr, "sluice query: %s\n", dbs.status().message().c_str());
    return kExitUsage;
  }
  // A pipeline's database appears when the pipeline first starts: query what is there.
  std::vector<std::pair<std::string, std::string>> present;
  for (const auto& [name, path] : *dbs) {
    if (fs::exists(path)) {
      present.emplace_back(name, path);
    } else if (!f.config.empty()) {
      std::fprintf(stderr, "sluice query: note: %s (sink \"%s\") does not exist yet\n",
                   path.c_str(), name.c_str());
    } else {
      std::fprintf(stderr, "sluice query: %s does not exist\n", path.c_str());
      return kExitRuntimeFailure;
    }
  }
  if (present.empty()) {
    std::fprintf(stderr, "sluice query: no database of %s exists yet (has the pipeline run?)\n",
                 f.config.c_str());
    return kExitRuntimeFailure;
  }
  dbs = std::move(present);
  // Every database is attached read-only under its name to an empty in-memory main,
  // so `hot.service_minutes` works in every mode, and so does an unqualified name
  // (SQLite looks through the attached databases in order).
  auto db = Database::open(":memory:", false);
  if (!db) {
    std::fprintf(stderr, "sluice query: %s\n", db.status().message().c_str());
    return kExitRuntimeFailure;
  }
  for (const auto& [name, path] : *dbs) {
    auto attach = (*db)->prepare("ATTACH DATABASE ? AS " + sink::sqlite::quote_identifier(schema_name(name)));
    if (!attach) {
      std::fprintf(stderr, "sluice query: %s\n", attach.status().message().c_str());
      return kExitRuntimeFailure;
    }
    attach->bind_text(1, sink::sqlite::read_only_uri(path));
    if (Status s = attach->run(); !s.is_ok()) {
      std::fprintf(stderr, "sluice query: attaching %s: %s\n", path.c_str(), s.message().c_str());
      return kExitRuntimeFailure;
    }
  }
  auto stmt = (*db)->prepare(f.sql);
  if (!stmt) {
    std::fprintf(stderr, "sluice query: %s\n", stmt.status().message().c_str());
    return kExitUsage;
  }
  if (!sqlite3_stmt_readonly(stmt->get())) {
    std::fprintf(stderr,
                 "sluice query: the statement would change the database; sluice query only reads "
                 "(the pipeline owns its tables)\n");
    return kExitUsage;
  }
  const int columns = sqlite3_column_count(stmt->get());
  std::vector<std::string> names;
  for (int c = 0; c < columns; ++c) names.emplace_back(sqlite3_column_name(stmt->get(), c));
  if (f.format == "csv") {
    std::string line;
    for (int c = 0; c < columns; ++c)
      line += (c ? "," : "") + csv_field(Cell{false, false, names[static_cast<size_t>(c)]});
    std::printf("%s\r\n", line.c_str());
  }
  if (f.format == "json") std::printf("[");
  std::vector<std::vector<Cell>> rows;  // tables need every width before the first line
  size_t count = 0;
  while (true) {
    auto more = stmt->step();
    if (!more) {
      std::fprintf(stderr, "sluice query: %s\n", more.status().message().c_str());
      return kExitRuntimeFailure;
    }
    if (!*more) break;
    std::vector<Cell> row;
    for (int c = 0; c < columns; ++c) row.push_back(read_cell(stmt->get(), c));
    if (f.format == "table") {
      rows.push_back(std::move(row));
    } else if (f.format == "csv") {
      std::string line;
      for (int c = 0; c < columns; ++c)
        line += (c ? "," : "") + csv_field(row[static_cast<size_t>(c)]);
      std::printf("%s\r\n", line.c_str());
    } else {
      std::string object = count ? ",\n{" : "\n{";
      for (int c = 0; c < columns; ++c) {
        const Cell& cell = row[static_cast<size_t>(c)];
        if (c) object += ",";
        format::append_json_string(names[static_cast<size_t>(c)], object);
        object += ":";
        if (cell.null)
          object += "null";
        else if (cell.number)
          object += cell.text;
        else
          format::append_json_string(cell.text, object);
      }
      std::printf("%s}", object.c_str());
    }
    ++count;
  }
  if (f.format == "json") std::printf(count ? "\n]\n" : "]\n");
  if (f.format == "table") print_table(names, rows, f.max_width);
  return kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("query",
                                     "Run SQL (SQLite's dialect) on the embedded warehouse and hot "
                                     "store, read-only. With --config,\n"
                                     "every sqlite sink's database is attached under the sink's "
                                     "name. Exit code 0 on success, 2 for\n"
                                     "a bad query or flags, 3 when a database cannot be read.");
  static QueryFlags flags;
  cmd->add_option("SQL", flags.sql, "The query")->required();
  cmd->add_option("--db", flags.dbs,
                  "A database file, attached under its file name (repeatable)");
  cmd->add_option("-c,--config", flags.config,
                  "Pipeline file: attach the databases of its sqlite sinks");
  cmd->add_option("--data-dir", flags.data_dir,
                  "Without --db or --config: attach every *.db file in this directory")
      ->capture_default_str();
  cmd->add_option("-f,--format", flags.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--max-width", flags.max_width,
                  "Table output: cut longer values to this many characters")
      ->capture_default_str()
      ->check(CLI::Range(4, 100000));
  cmd->callback([exit_code] { *exit_code = query(flags); });
}

}  // namespace sluice::cli

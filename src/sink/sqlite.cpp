#include "sink/sqlite.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>

#include "core/time.h"
#include "format/column_mapper.h"
#include "format/json_writer.h"
#include "sink/sqlite/database.h"
#include "sink/sqlite/table.h"

namespace sluice::sink {
namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::Statement;

// Timestamps as text that sorts like time: always UTC, always six fraction digits
// (SQLite's date functions read it too).
void append_sortable_time(int64_t ts_us, std::string* out) {
  char buf[kRfc3339MaxBytes];
  out->append(buf, format_rfc3339(ts_us, buf, true));
}

const char* affinity_of(const Value& v) {
  switch (v.type()) {
    case ValueType::kBool:
    case ValueType::kInt:
      return "INTEGER";
    case ValueType::kDouble:
      return v.big_integer_digits().empty() ? "REAL" : "TEXT";
    default:
      return "TEXT";
  }
}

class SqliteSink final : public Sink {
 public:
  explicit SqliteSink(const BuildContext& ctx)
      : name_(ctx.name()),
        stats_(ctx.stats),
        mapper_(ctx.options().get_string("nested") == "json"
                    ? format::ColumnMapper::Nested::kJson
                    : format::ColumnMapper::Nested::kFlatten) {
    const OptionValues& o = ctx.options();
    path_ = o.get_string("path");
    if (!fs::path(path_).is_absolute()) path_ = (fs::path(ctx.pipeline.data_dir) / path_).string();
    table_name_ = o.get_string("table").empty() ? ctx.name() : o.get_string("table");
    key_columns_ = o.get_strings("key_columns");
    time_column_ = o.get_string("time_column");
    retention_us_ = o.get_int("retention");
    synchronous_ = o.get_string("synchronous");
  }

  Status write(const Batch& batch) override {
    SLUICE_RETURN_IF_ERROR(open());
    const bool from_log = batch.origin.partition >= 0;
    const auto resume = from_log ? next_offsets_.find({batch.origin.source, batch.origin.partition})
                                 : next_offsets_.end();
    const int64_t skip_below = resume == next_offsets_.end() ? -1 : resume->second;
    SLUICE_RETURN_IF_ERROR(db_->exec("BEGIN IMMEDIATE"));
    uint64_t written = 0, skipped = 0;
    int64_t last_offset = -1;
    Status status;
    for (const Event& e : batch.events) {
      if (from_log && e.offset >= 0 && e.offset < skip_below) {
        ++skipped;  // in the table already: committed together with its offset
        continue;
      }
      status = insert(e);
      if (!status.is_ok()) break;
      ++written;
      if (from_log) last_offset = std::max(last_offset, e.offset);
    }
    // The offsets this batch reached go in the same transaction as its rows: after
    // a crash both are there or neither is, and a replay skips exactly what is.
    if (status.is_ok() && last_offset >= 0)
      status = save_offset(batch.origin.source, batch.origin.partition, last_offset + 1);
    if (status.is_ok()) status = db_->exec("COMMIT");
    if (!status.is_ok()) {
      (void)db_->exec("ROLLBACK");
      (void)table_->reload();  // columns added in the transaction are gone with it
      positions_.clear();
      return status;
    }
    if (last_offset >= 0)
      next_offsets_[{batch.origin.source, batch.origin.partition}] = last_offset + 1;
    stats_.add_in(batch.size());  // once the batch is in: a retried batch counts once
    stats_.add_out(written);
    if (skipped > 0) stats_.add_already_written(skipped);
    return Status::ok();
  }

  // Each write commits its own transaction (durable with synchronous: full), so
  // flush only applies retention now and then.
  Status open() {
    if (db_) return Status::ok();
    return open_database();
  }

  Status flush() override {
    if (!db_ || retention_us_ <= 0 || time_column_.empty() || !table_->exists())
      return Status::ok();
    const int64_t now = steady_now_us();
    if (now - last_retention_us_ < kRetentionEveryUs) return Status::ok();
    last_retention_us_ = now;
    std::string cutoff;
    append_sortable_time(now_us() - retention_us_, &cutoff);
    const int before = sqlite3_total_changes(db_->get());
    SLUICE_RETURN_IF_ERROR(table_->delete_older_than(cutoff));
    const int removed = sqlite3_total_changes(db_->get()) - before;
    if (removed > 0)
      spdlog::debug("sqlite sink \"{}\": retention removed {} rows before {}", name_, removed,
                    cutoff);
    return Status::ok();
  }

 private:
  static constexpr int64_t kRetentionEveryUs = 10'000'000;

  Status open_database() {
    std::error_code ec;
    if (fs::path(path_).has_parent_path())
      fs::create_directories(fs::path(path_).parent_path(), ec);
    auto db = Database::open(path_, false);
    if (!db) return db.status();
    // WAL: readers (`sluice query`, dashboards) never block the writer, nor it them.
    SLUICE_RETURN_IF_ERROR((*db)->exec("PRAGMA journal_mode = WAL"));
    SLUICE_RETURN_IF_ERROR((*db)->exec("PRAGMA synchronous = " +
                                       std::string(synchronous_ == "normal" ? "NORMAL" : "FULL")));
    SLUICE_RETURN_IF_ERROR((*db)->exec(
        "CREATE TABLE IF NOT EXISTS _sluice_offsets (sink TEXT NOT NULL, topic TEXT NOT NULL, "
        "partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (sink, topic, "
        "partition))"));
    auto table = std::make_unique<sqlite::Table>(**db, table_name_, key_columns_, time_column_);
    SLUICE_RETURN_IF_ERROR(table->open(retention_us_ > 0));
    auto offsets =
        (*db)->prepare("SELECT topic, partition, next_offset FROM _sluice_offsets WHERE sink = ?");
    if (!offsets) return offsets.status();
    offsets->bind_text(1, name_);
    while (true) {
      auto row = offsets->step();
      if (!row) return row.status();
      if (!*row) break;
      const auto* topic = reinterpret_cast<const char*>(sqlite3_column_text(offsets->get(), 0));
      next_offsets_[{topic ? topic : "", sqlite3_column_int(offsets->get(), 1)}] =
          sqlite3_column_int64(offsets->get(), 2);
    }
    auto save = (*db)->prepare(
        "INSERT INTO _sluice_offsets (sink, topic, partition, next_offset) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (sink, topic, partition) DO UPDATE SET next_offset = excluded.next_offset");
    if (!save) return save.status();
    save_offset_ = std::move(*save);
    db_ = std::move(*db);
    table_ = std::move(table);
    return Status::ok();
  }

  Status save_offset(const std::string& topic, int32_t partition, int64_t next) {
    save_offset_.bind_text(1, name_);
    save_offset_.bind_text(2, topic);
    save_offset_.bind_int(3, partition);
    save_offset_.bind_int(4, next);
    return save_offset_.run();
  }

  Status insert(const Event& e) {
    values_.clear();
    Status status;
    mapper_.for_each_column(e.fields, [&](size_t column, const Value& v) {
      if (!status.is_ok()) return;
      if (column >= positions_.size()) positions_.resize(column + 1, 0);
      if (positions_[column] == 0) {
        auto position = table_->column(mapper_.column_name(column), affinity_of(v));
        if (!position) {
          status = position.status();
          return;
        }
        positions_[column] = *position;
      }
      values_.emplace_back(positions_[column], v);
    });
    SLUICE_RETURN_IF_ERROR(status);
    int time_position = 0;
    if (!time_column_.empty()) {
      auto position = table_->column(time_column_, "TEXT");
      if (!position) return position.status();
      time_position = *position;
    }
    auto insert = table_->insert();
    if (!insert) return insert.status();
    Statement& stmt = **insert;
    if (time_position > 0) {
      text_.clear();
      append_sortable_time(e.time_us, &text_);
      stmt.bind_text(time_position, text_);
    }
    // Bound after the time, so a field of the same name as the time column wins.
    for (const auto& [position, v] : values_) bind(stmt, position, v);
    return stmt.run();
  }

  void bind(Statement& stmt, int position, const Value& v) {
    switch (v.type()) {
      case ValueType::kNull:
        stmt.bind_null(position);
        return;
      case ValueType::kBool:
        stmt.bind_int(position, v.as_bool() ? 1 : 0);
        return;
      case ValueType::kInt:
        stmt.bind_int(position, v.as_int());
        return;
      case ValueType::kDouble:
        if (v.big_integer_digits().empty()) {
          stmt.bind_double(position, v.as_double());
          return;
        }
        stmt.bind_text(position, v.big_integer_digits());  // exact digits, not a rounded double
        return;
      case ValueType::kString:
        stmt.bind_text_static(position, v.as_string());
        return;  // the batch's arena outlives the step
      case ValueType::kTimestamp:
        text_.clear();
        append_sortable_time(v.as_timestamp_us(), &text_);
        stmt.bind_text(position, text_);
        return;
      case ValueType::kArray:
      case ValueType::kObject:
        text_.clear();
        format::append_json(v, text_);
        stmt.bind_text(position, text_);
        return;
    }
  }

  std::string name_;
  observe::ComponentStats& stats_;
  format::ColumnMapper mapper_;
  std::string path_, table_name_, time_column_, synchronous_;
  std::vector<std::string> key_columns_;
  int64_t retention_us_ = 0;
  int64_t last_retention_us_ = 0;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sqlite::Table> table_;
  Statement save_offset_;
  std::map<std::pair<std::string, int32_t>, int64_t>
      next_offsets_;  // per (topic, partition): what the table holds
  std::vector<int>
      positions_;  // mapper column → parameter position in the insert (0: not looked up yet)
  std::vector<std::pair<int, Value>> values_;
  std::string text_;
};

std::string check_sqlite_options(const OptionValues& o) {
  if (o.get_string("mode") == "upsert" && o.get_strings("key_columns").empty()) {
    return "mode upsert needs key_columns (e.g. [window_start, service])";
  }
  if (o.get_string("mode") == "append" && !o.get_strings("key_columns").empty()) {
    return "key_columns are for mode: upsert";
  }
  return "";
}

}  // namespace

SinkType sqlite_sink_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = "sqlite";
  spec.summary =
      "Writes a table of an embedded SQLite database (hot store, warehouse), exactly once.";
  spec.options = {
      OptionSpec::required_option(
          "path", OptionType::kString,
          "Database file, created if missing; a relative path is inside data_dir."),
      OptionSpec::optional("table", OptionType::kString, "",
                           "Table name; default: the sink's name."),
      OptionSpec::optional(
          "mode", OptionType::kEnum, "append",
          "append every event, or upsert: replace the row with the same key_columns.")
          .one_of({"append", "upsert"}),
      OptionSpec::optional(
          "key_columns", OptionType::kStringList, "",
          "Upsert: the columns that identify a row, e.g. [window_start, service]."),
      OptionSpec::optional(
          "nested", OptionType::kEnum, "flatten",
          "Nested objects: flatten into dotted columns (client.ip) or keep as json text.")
          .one_of({"flatten", "json"}),
      OptionSpec::optional("time_column", OptionType::kString, "event_time",
                           "Column with each event's time (UTC, sortable text); \"\" for none."),
      OptionSpec::optional(
          "retention", OptionType::kDuration, "0s",
          "Delete rows whose time_column is older than this (hot tables); 0s keeps everything.")
          .at_least(0),
      OptionSpec::optional(
          "synchronous", OptionType::kEnum, "full",
          "full: a commit survives power loss; normal: survives a crash of sluice, faster.")
          .one_of({"full", "normal"}),
  };
  spec.check = check_sqlite_options;
  return SinkType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Sink>> {
                    auto sink = std::make_unique<SqliteSink>(ctx);
                    // At start, so a path it cannot write fails the start, and readers find the
                    // file.
                    SLUICE_RETURN_IF_ERROR(sink->open());
                    return std::unique_ptr<Sink>(std::move(sink));
                  }};
}

}  // namespace sluice::sink

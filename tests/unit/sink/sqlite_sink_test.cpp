#include <gtest/gtest.h>

#include "sink/sqlite.h"
#include "sink/sqlite/database.h"
#include "support/sink_fixture.h"

namespace sluice::sink {
namespace {

using testing::TempDir;

using testing::batch_of;

// An sqlite sink named "db" writing table t of <dir>/store.db, with more options.
struct SqliteUnderTest : testing::SinkUnderTest {
  SqliteUnderTest(const std::string& dir, const std::string& options)
      : SinkUnderTest(dir, "sqlite", "db", "    path: store.db\n    table: t\n" + options) {}
};

// The rows of a query as "a|b|c" lines.
std::vector<std::string> rows(const std::string& db_path, const std::string& sql) {
  auto db = sqlite::Database::open(db_path, true);
  EXPECT_TRUE(db) << db.status().message();
  auto stmt = (*db)->prepare(sql);
  EXPECT_TRUE(stmt) << stmt.status().message();
  std::vector<std::string> out;
  while (true) {
    auto more = stmt->step();
    EXPECT_TRUE(more);
    if (!more || !*more) break;
    std::string line;
    for (int c = 0; c < sqlite3_column_count(stmt->get()); ++c) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), c));
      line += (c ? "|" : "") + std::string(text ? text : "NULL");
    }
    out.push_back(line);
  }
  return out;
}

TEST(SqliteSink, CreatesTheTableAndAddsColumnsAsFieldsAppear) {
  TempDir dir;
  SqliteUnderTest s(dir.path(), "");
  ASSERT_TRUE(s.sink->write(batch_of({R"({"service":"auth","status":200})"}, 0)).is_ok());
  ASSERT_TRUE(s.sink
                  ->write(batch_of(
                      {R"({"service":"pay","status":500,"client":{"ip":"10.0.0.1"},"ms":1.5})"}, 1))
                  .is_ok());
  const std::string db = dir.path() + "/store.db";
  EXPECT_EQ(rows(db, "select service, status, \"client.ip\", ms, event_time from t order by rowid"),
            (std::vector<std::string>{"auth|200|NULL|NULL|2026-11-24T10:00:00.000000Z",
                                      "pay|500|10.0.0.1|1.5|2026-11-24T10:00:00.000000Z"}));
  EXPECT_EQ(rows(db,
                 "select name, type from pragma_table_info('t') where name in ('status', 'ms', "
                 "'service')"),
            (std::vector<std::string>{"service|TEXT", "status|INTEGER", "ms|REAL"}));
  EXPECT_EQ(rows(db, "pragma journal_mode"), (std::vector<std::string>{"wal"}));
}

TEST(SqliteSink, FieldNamesThatDifferOnlyInCaseShareAColumn) {
  TempDir dir;
  SqliteUnderTest s(dir.path(), "");
  // SQLite's column names are case-insensitive: a second ADD COLUMN would fail forever.
  ASSERT_TRUE(s.sink->write(batch_of({R"({"ID":1})"}, 0)).is_ok());
  ASSERT_TRUE(s.sink->write(batch_of({R"({"id":2,"Event_Time":"x"})"}, 1)).is_ok());
  ASSERT_TRUE(s.sink->write(batch_of({R"({"a\u0000b":3})"}, 2)).is_ok());
  EXPECT_EQ(rows(dir.path() + "/store.db", "select ID, \"a_b\" from t order by rowid"),
            (std::vector<std::string>{"1|NULL", "2|NULL", "NULL|3"}));
}

TEST(SqliteSink, AReplayedBatchSkipsWhatTheTableHolds) {
  TempDir dir;
  {
    SqliteUnderTest s(dir.path(), "");
    ASSERT_TRUE(s.sink->write(batch_of({R"({"n":0})", R"({"n":1})", R"({"n":2})"}, 0)).is_ok());
  }
  // A restart replays offsets 1..4 (the commit to the log was older than the table).
  SqliteUnderTest s(dir.path(), "");
  ASSERT_TRUE(
      s.sink->write(batch_of({R"({"n":1})", R"({"n":2})", R"({"n":3})", R"({"n":4})"}, 1)).is_ok());
  ASSERT_TRUE(
      s.sink->write(batch_of({R"({"n":100})"}, 0, 1)).is_ok());  // partition 1 has its own offsets
  const std::string db = dir.path() + "/store.db";
  EXPECT_EQ(rows(db, "select n from t order by n"),
            (std::vector<std::string>{"0", "1", "2", "3", "4", "100"}));
  EXPECT_EQ(s.stats.snapshot().already_written, 2u);
  EXPECT_EQ(
      rows(db, "select topic, partition, next_offset from _sluice_offsets order by partition"),
      (std::vector<std::string>{"in|0|5", "in|1|1"}));
}

TEST(SqliteSink, UpsertReplacesTheRowWithTheSameKey) {
  TempDir dir;
  SqliteUnderTest s(dir.path(), "    mode: upsert\n    key_columns: [window_start, service]\n");
  const auto window = [](const char* service, int requests) {
    return std::string(R"({"window_start":"2026-11-24T10:00:00Z","service":")") + service +
           R"(","requests":)" + std::to_string(requests) + "}";
  };
  ASSERT_TRUE(s.sink->write(batch_of({window("auth", 10), window("pay", 3)}, -1)).is_ok());
  ASSERT_TRUE(s.sink->write(batch_of({window("auth", 12)}, -1)).is_ok());  // a later, fuller result
  EXPECT_EQ(rows(dir.path() + "/store.db", "select service, requests from t order by service"),
            (std::vector<std::string>{"auth|12", "pay|3"}));
}

TEST(SqliteSink, UpsertWithoutKeyColumnsIsRejectedWhenTheFileLoads) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(R"(
sources:
  in: {type: generator}
sinks:
  db: {type: sqlite, inputs: [in], path: x.db, mode: upsert}
)",
                                   "p.yaml", runtime::Registry::builtin(), diagnostics);
  EXPECT_FALSE(config.has_value());
  EXPECT_NE(diagnostics.format().find("mode upsert needs key_columns"), std::string::npos)
      << diagnostics.format();
}

TEST(SqliteSink, RetentionDeletesRowsOlderThanItsBound) {
  TempDir dir;
  SqliteUnderTest s(dir.path(), "    retention: 1h\n");
  Batch batch = batch_of({R"({"n":1})", R"({"n":2})"}, 0);
  batch.events[0].time_us = now_us() - 2 * 3'600'000'000LL;  // two hours old
  batch.events[1].time_us = now_us();
  ASSERT_TRUE(s.sink->write(batch).is_ok());
  ASSERT_TRUE(s.sink->flush().is_ok());
  EXPECT_EQ(rows(dir.path() + "/store.db", "select n from t"), (std::vector<std::string>{"2"}));
}

TEST(SqliteSink, AFailedBatchLeavesNeitherRowsNorOffsets) {
  TempDir dir;
  SqliteUnderTest s(dir.path(), "");
  ASSERT_TRUE(s.sink->write(batch_of({R"({"n":0})"}, 0)).is_ok());
  const std::string db = dir.path() + "/store.db";
  {
    // Another writer holds the database: the batch cannot commit (after the busy timeout).
    auto other = sqlite::Database::open(db, false);
    ASSERT_TRUE(other);
    ASSERT_TRUE((*other)->exec("PRAGMA busy_timeout = 0").is_ok());
    ASSERT_TRUE((*other)->exec("BEGIN EXCLUSIVE").is_ok());
    EXPECT_FALSE(s.sink->write(batch_of({R"({"n":1,"extra":"x"})"}, 1)).is_ok());
    ASSERT_TRUE((*other)->exec("ROLLBACK").is_ok());
  }
  // The retry (the same batch) goes in whole, once.
  ASSERT_TRUE(s.sink->write(batch_of({R"({"n":1,"extra":"x"})"}, 1)).is_ok());
  EXPECT_EQ(rows(db, "select n, extra from t order by n"),
            (std::vector<std::string>{"0|NULL", "1|x"}));
  EXPECT_EQ(rows(db, "select next_offset from _sluice_offsets"), (std::vector<std::string>{"2"}));
}

}  // namespace
}  // namespace sluice::sink

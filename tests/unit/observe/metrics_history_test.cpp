// The metrics history: rows of what happened in each interval, which sum back to
// the counters, survive a reopen, and expire with the retention.
#include "observe/history/metrics_history.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/time.h"
#include "sink/sqlite/database.h"

namespace sluice::observe {
namespace {

namespace fs = std::filesystem;
using sink::sqlite::Database;

constexpr int64_t kSecond = 1'000'000;
const int64_t kStart = *parse_rfc3339("2026-11-24T10:00:00Z");

struct MetricsHistoryTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("sluice_history_" + std::to_string(::getpid()) + "_" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::string path = (dir / "sub" / MetricsHistory::kFileName).string();
  ComponentStats api{"api", ComponentKind::kSource, "http"};
  ComponentStats lake{"lake", ComponentKind::kSink, "parquet"};
  PipelineStatus status;
  ProcessStats process;

  MetricsHistoryTest() {
    fs::remove_all(dir);
    status.file = "p.yaml";
    status.group = "sluice";
    status.started_at_us = kStart;
    status.components.push_back({&api, {}, {""}, -1, true, "", 0});
    status.components.push_back({&lake, {"api"}, {}, 2, true, "", 0});
    status.partitions.push_back({"api", 0, 0, 100, 8192, 1, 0});
    status.backlog.push_back({"sluice", "api", 0, 70, 100});
    status.backlog.push_back({"other", "api", 0, 0, 100});  // another group's lag is not the pipeline's
    process.resident_bytes = 50 << 20;
    process.open_fds = 12;
  }
  ~MetricsHistoryTest() override { fs::remove_all(dir); }

  // One value of a query, as text.
  std::string query(const std::string& sql) {
    auto db = Database::open(path, true);
    EXPECT_TRUE(db) << db.status().message();
    auto st = (*db)->prepare(sql);
    EXPECT_TRUE(st) << st.status().message();
    auto row = st->step();
    EXPECT_TRUE(row && *row) << sql;
    const unsigned char* text = sqlite3_column_text(st->get(), 0);
    return text ? reinterpret_cast<const char*>(text) : "NULL";
  }
};

TEST_F(MetricsHistoryTest, EachRecordHoldsWhatHappenedSinceThePreviousOne) {
  auto h = MetricsHistory::open(path, 0);
  ASSERT_TRUE(h) << h.status().message();
  api.add_out(100);
  api.add_bytes_in(4000);
  lake.add_in(60);
  lake.batch_seconds.observe_us(2000, 3);
  process.cpu_seconds = 1.5;
  ASSERT_TRUE((*h)->record(status, process, kStart + 10 * kSecond).is_ok());

  api.add_out(50);
  lake.add_in(90);
  lake.add_error();
  lake.batch_seconds.observe_us(300'000);
  process.cpu_seconds = 2.0;
  ASSERT_TRUE((*h)->record(status, process, kStart + 15 * kSecond).is_ok());

  EXPECT_EQ(query("select count(*) from component_metrics"), "4");
  EXPECT_EQ(query("select group_concat(events_out) from (select events_out from component_metrics "
                  "where component = 'api' order by time)"),
            "100,50");
  EXPECT_EQ(query("select sum(events_in) from component_metrics where component = 'lake'"), "150");
  EXPECT_EQ(query("select sum(bytes_in) from component_metrics where component = 'api'"), "4000");
  EXPECT_EQ(query("select group_concat(interval_s) from (select interval_s from pipeline_metrics order by time)"),
            "10.0,5.0");
  EXPECT_EQ(query("select time from pipeline_metrics order by time limit 1"), "2026-11-24T10:00:10.000000Z");
  EXPECT_EQ(query("select kind || ' ' || type || ' ' || queued_batches || ' ' || healthy from component_metrics "
                  "where component = 'lake' limit 1"),
            "sink parquet 2 1");
  EXPECT_EQ(query("select errors from component_metrics where component = 'lake' order by time desc limit 1"), "1");
  // Batch latency of each interval alone: 2 ms in the first, 300 ms in the second
  // (between the 250 ms and 500 ms bucket bounds), none for the source.
  const double first_p50 = std::stod(query("select batch_p50_ms from component_metrics "
                                           "where component = 'lake' order by time limit 1"));
  EXPECT_GT(first_p50, 1.0);
  EXPECT_LE(first_p50, 2.5);
  const double second_p50 = std::stod(query("select batch_p50_ms from component_metrics "
                                            "where component = 'lake' order by time desc limit 1"));
  EXPECT_GE(second_p50, 250.0);
  EXPECT_LE(second_p50, 500.0);
  EXPECT_EQ(query("select batch_p50_ms from component_metrics where component = 'api' limit 1"), "NULL");
  // Process and log: CPU per interval, the pipeline group's backlog only.
  EXPECT_EQ(query("select group_concat(cpu_seconds) from (select cpu_seconds from pipeline_metrics order by time)"),
            "1.5,0.5");
  EXPECT_EQ(query("select backlog || ' ' || log_bytes || ' ' || rss_bytes || ' ' || open_files "
                  "from pipeline_metrics limit 1"),
            "30 8192 52428800 12");
}

TEST_F(MetricsHistoryTest, AReopenedHistoryKeepsItsRowsAndCountsTheNewProcessFromItsStart) {
  {
    auto h = MetricsHistory::open(path, 0);
    ASSERT_TRUE(h);
    api.add_out(10);
    ASSERT_TRUE((*h)->record(status, process, kStart + kSecond).is_ok());
  }
  // A new process: new counters from zero, started later.
  ComponentStats api2{"api", ComponentKind::kSource, "http"};
  status.components = {{&api2, {}, {""}, -1, true, "", 0}};
  status.started_at_us = kStart + 100 * kSecond;
  api2.add_out(7);
  auto h = MetricsHistory::open(path, 0);
  ASSERT_TRUE(h);
  ASSERT_TRUE((*h)->record(status, process, kStart + 104 * kSecond).is_ok());
  EXPECT_EQ(query("select sum(events_out) from component_metrics where component = 'api'"), "17");
  EXPECT_EQ(query("select interval_s from pipeline_metrics order by time desc limit 1"), "4.0");
}

TEST_F(MetricsHistoryTest, RowsOlderThanTheRetentionAreDeleted) {
  auto h = MetricsHistory::open(path, 60 * kSecond);
  ASSERT_TRUE(h);
  ASSERT_TRUE((*h)->record(status, process, kStart + kSecond).is_ok());
  ASSERT_TRUE((*h)->record(status, process, kStart + 30 * kSecond).is_ok());
  EXPECT_EQ(query("select count(*) from pipeline_metrics"), "2");
  ASSERT_TRUE((*h)->record(status, process, kStart + 70 * kSecond).is_ok());
  EXPECT_EQ(query("select count(*) from pipeline_metrics"), "2");
  EXPECT_EQ(query("select min(time) from component_metrics"), "2026-11-24T10:00:30.000000Z");
}

TEST_F(MetricsHistoryTest, DeliveryLatencyIsPerInterval) {
  auto h = MetricsHistory::open(path, 0);
  ASSERT_TRUE(h);
  Histogram delivery(Histogram::lag_buckets());
  delivery.observe_us(20'000, 10);
  status.delivery = {{"api", delivery.snapshot()}};
  ASSERT_TRUE((*h)->record(status, process, kStart + kSecond).is_ok());
  delivery.observe_us(2'000'000, 4);
  status.delivery = {{"api", delivery.snapshot()}};
  ASSERT_TRUE((*h)->record(status, process, kStart + 2 * kSecond).is_ok());
  EXPECT_EQ(query("select group_concat(delivered) from (select delivered from pipeline_metrics order by time)"),
            "10,4");
  const double p50 = std::stod(query("select delivery_p50_ms from pipeline_metrics order by time desc limit 1"));
  EXPECT_GE(p50, 1000.0);
  EXPECT_LE(p50, 2500.0);
}

TEST_F(MetricsHistoryTest, AnUnwritablePlaceIsAClearError) {
  fs::create_directories(dir);
  const std::string blocked = (dir / "file").string();
  { std::FILE* f = std::fopen(blocked.c_str(), "w"); std::fclose(f); }
  auto h = MetricsHistory::open(blocked + "/metrics_history.db", 0);
  ASSERT_FALSE(h);
  EXPECT_NE(h.status().message().find("metrics history"), std::string::npos) << h.status().message();
  EXPECT_NE(h.status().message().find(blocked), std::string::npos) << h.status().message();
}

}  // namespace
}  // namespace sluice::observe

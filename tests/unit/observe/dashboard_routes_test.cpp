// The dashboard's routes: embedded assets with their types, and the hot tier's
// newest rows read from real SQLite files (missing, empty, broken and filled).
#include "observe/dashboard/dashboard_routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "observe/dashboard/dashboard_assets.h"
#include "sink/sqlite/database.h"

namespace sluice::observe {
namespace {

namespace fs = std::filesystem;

server::HttpRequest get(std::string target) {
  server::HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

struct DashboardRoutesTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("sluice_dashboard_" + std::to_string(::getpid()) + "_" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  DashboardRoutesTest() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~DashboardRoutesTest() override { fs::remove_all(dir); }

  std::string path(const std::string& name) const { return (dir / name).string(); }

  void make_table(const std::string& db_path, const std::string& table, int rows) {
    auto db = sink::sqlite::Database::open(db_path, false);
    ASSERT_TRUE(db) << db.status().message();
    ASSERT_TRUE((*db)->exec("CREATE TABLE " + table + " (event_time TEXT, service TEXT, requests INTEGER, "
                            "ratio REAL, note TEXT)").is_ok());
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE((*db)->exec("INSERT INTO " + table + " VALUES ('2026-11-24T10:0" + std::to_string(i) +
                              ":00.000000Z', 'svc\"" + std::to_string(i) + "', " + std::to_string(i * 10) + ", " +
                              std::to_string(i) + ".5, NULL)").is_ok());
    }
  }
};

TEST_F(DashboardRoutesTest, ServesThePageAndItsAssetsWithTheirTypes) {
  auto route = dashboard_route({});
  auto page = route(get("/"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<script src=\"/dashboard.js\">"), std::string::npos);
  EXPECT_EQ(route(get("/index.html"))->body, page->body);
  EXPECT_EQ(route(get("/dashboard.js"))->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(route(get("/dashboard.css"))->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(route(get("/favicon.svg"))->content_type, "image/svg+xml");
  EXPECT_EQ(route(get("/dashboard.js?v=2"))->body, route(get("/dashboard.js"))->body);
  EXPECT_FALSE(route(get("/nothing.js")));
  EXPECT_FALSE(route(get("/metrics")));  // left to the admin server
  // The embedded bytes are the files' bytes.
  for (const DashboardAsset& asset : dashboard_assets()) {
    const std::string file = asset.path == "/" ? "index.html" : std::string(asset.path.substr(1));
    std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/src/observe/dashboard/" + file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(asset.body, text) << file;
  }
}

TEST_F(DashboardRoutesTest, HotTierListsNewestRowsFirstWithTheirTypes) {
  make_table(path("hot.db"), "minutes", 5);
  auto route = dashboard_route({{"hot", path("hot.db"), "minutes", "event_time"}});
  auto res = route(get("/api/v1/hot?limit=2"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body,
            R"({"tables":[{"sink":"hot","table":"minutes","time_column":"event_time",)"
            R"("columns":["event_time","service","requests","ratio","note"],)"
            R"("rows":[["2026-11-24T10:04:00.000000Z","svc\"4",40,4.5,null],)"
            R"(["2026-11-24T10:03:00.000000Z","svc\"3",30,3.5,null]]}]})");
}

TEST_F(DashboardRoutesTest, HotTierLimitIsBoundedAndDefaulted) {
  make_table(path("hot.db"), "minutes", 60);
  auto route = dashboard_route({{"hot", path("hot.db"), "minutes", ""}});
  auto count_rows = [&](const std::string& target) {
    const std::string body = route(get(target))->body;
    size_t n = 0;
    for (size_t at = body.find("[\"2026"); at != std::string::npos; at = body.find("[\"2026", at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count_rows("/api/v1/hot"), 50u);
  EXPECT_EQ(count_rows("/api/v1/hot?limit=7"), 7u);
  EXPECT_EQ(count_rows("/api/v1/hot?x=1&limit=3"), 3u);
  EXPECT_EQ(count_rows("/api/v1/hot?limit=abc"), 50u);
  EXPECT_EQ(count_rows("/api/v1/hot?limit=0"), 50u);
  EXPECT_EQ(count_rows("/api/v1/hot?limit=99999"), 60u);  // all there are, at most 1000
}

TEST_F(DashboardRoutesTest, MissingTablesAreEmptyAndBrokenOnesNameTheirError) {
  make_table(path("other.db"), "something_else", 1);
  { std::ofstream(path("broken.db")) << "this is not an SQLite database, just text that fills a header or more"; }
  auto route = dashboard_route({{"a", path("missing.db"), "t", "event_time"},
                                {"b", path("other.db"), "t", "event_time"},
                                {"c", path("broken.db"), "t", "event_time"}});
  const std::string body = route(get("/api/v1/hot"))->body;
  EXPECT_NE(body.find(R"({"sink":"a","table":"t","time_column":"event_time","columns":[],"rows":[]})"), std::string::npos)
      << body;
  EXPECT_NE(body.find(R"({"sink":"b","table":"t","time_column":"event_time","columns":[],"rows":[]})"), std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("sink":"c")"), std::string::npos);
  EXPECT_NE(body.find(R"("error":")"), std::string::npos) << body;
  EXPECT_NE(body.find("broken.db"), std::string::npos) << body;
  EXPECT_FALSE(fs::exists(path("missing.db")));  // read-only: nothing was created
}

}  // namespace
}  // namespace sluice::observe

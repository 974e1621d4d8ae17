#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TempDir;
using testing::TransformHarness;

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string enrich_yaml(const std::string& table, const std::string& more = "") {
  return "    type: enrich\n    inputs: [in]\n    table: " + table + "\n    key: .service\n" + more;
}

TEST(Enrich, AddsTheRowsColumnsFromACsvTable) {
  TempDir dir;
  const std::string table = dir.path() + "/services.csv";
  write(table, "service,team,tier\r\nauth,identity,1\npay,\"money, inc\",0\n");
  TransformHarness e(enrich_yaml(table));
  auto out = e.run({R"({"service":"pay","n":1})", R"({"service":"auth","team":"old"})", R"({"service":"x"})"});
  ASSERT_EQ(out[0].size(), 3u);
  EXPECT_EQ(out[0][0], R"({"service":"pay","n":1,"team":"money, inc","tier":"0"})");
  EXPECT_EQ(out[0][1], R"({"service":"auth","team":"identity","tier":"1"})");
  EXPECT_EQ(out[0][2], R"({"service":"x"})");  // on_missing: keep
  EXPECT_EQ(e.stats().snapshot().state_entries, 2u);
}

TEST(Enrich, JsonTablesKeepTypesAndFieldsAndTargetChooseWhatGoesWhere) {
  TempDir dir;
  const std::string table = dir.path() + "/users.ndjson";
  write(table, R"({"id":7,"name":"Ana","vip":true,"score":0.5})" "\n" R"({"id":8,"name":"Bo","vip":false})" "\n");
  TransformHarness e("    type: enrich\n    inputs: [in]\n    table: " + table +
                     "\n    key: .user\n    table_key: id\n    fields: [name, vip]\n    target: .profile");
  auto out = e.run({R"({"user":7})", R"({"user":"8"})"});
  ASSERT_EQ(out[0].size(), 2u);
  EXPECT_EQ(out[0][0], R"({"user":7,"profile":{"name":"Ana","vip":true}})");
  EXPECT_EQ(out[0][1], R"({"user":"8","profile":{"name":"Bo","vip":false}})");  // keys match as text
}

TEST(Enrich, AMissingKeyIsKeptDroppedOrDeadLetteredAsConfigured) {
  TempDir dir;
  const std::string table = dir.path() + "/t.csv";
  write(table, "service,team\nauth,id\n");
  TransformHarness drop(enrich_yaml(table, "    on_missing: drop\n"));
  EXPECT_TRUE(drop.run({R"({"service":"nope"})"})[0].empty());
  TransformHarness dead(enrich_yaml(table, "    on_missing: dead_letter\n"));
  auto out = dead.run({R"({"service":"nope"})", R"({"other":1})"});
  ASSERT_EQ(out[1].size(), 2u);
  EXPECT_NE(out[1][0].find(R"(.service = \"nope\")"), std::string::npos) << out[1][0];
  EXPECT_NE(out[1][1].find("(missing)"), std::string::npos) << out[1][1];
}

TEST(Enrich, AChangedFileIsLoadedAgainAndABrokenOneKeepsTheOldTable) {
  TempDir dir;
  const std::string table = dir.path() + "/t.csv";
  write(table, "service,team\nauth,first\n");
  TransformHarness e(enrich_yaml(table, "    reload_interval: 100ms\n"));
  EXPECT_EQ(e.run({R"({"service":"auth"})"})[0][0], R"({"service":"auth","team":"first"})");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a new mtime even on coarse clocks
  write(table, "service,team\nauth,second\nnew,x\n");
  e.tick(steady_now_us() + 1'000'000);
  EXPECT_EQ(e.run({R"({"service":"auth"})"})[0][0], R"({"service":"auth","team":"second"})");
  write(table, "service,team\nauth,\"broken\n");
  e.tick(steady_now_us() + 2'000'000);
  EXPECT_EQ(e.run({R"({"service":"auth"})"})[0][0], R"({"service":"auth","team":"second"})");
  EXPECT_EQ(e.stats().snapshot().errors, 1u);
}

TEST(Enrich, AMissingOrMalformedTableStopsTheStartWithTheReason) {
  TempDir dir;
  EXPECT_THROW(TransformHarness(enrich_yaml(dir.path() + "/none.csv")), std::runtime_error);
  const std::string bad = dir.path() + "/bad.csv";
  write(bad, "service,team\nauth\n");
  try {
    TransformHarness e(enrich_yaml(bad));
    FAIL() << "a row with too few fields must fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("row 2 has 1 fields, the header 2"), std::string::npos) << e.what();
  }
  const std::string nokey = dir.path() + "/nokey.csv";
  write(nokey, "name,team\nauth,x\n");
  try {
    TransformHarness e(enrich_yaml(nokey));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no column \"service\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sluice::transform

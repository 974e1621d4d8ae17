#include "cli/top_view.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::cli {
namespace {

std::string reading(int64_t time_us, int out_events, int errors, int lag, bool lake_ok) {
  return R"({"phase":"running","file":"p.yaml","uptime_seconds":12,"time_us":)" +
         std::to_string(time_us) +
         R"(,"components":[
    {"name":"api","kind":"source","type":"http","events_in":0,"events_out":)" +
         std::to_string(out_events) +
         R"(,"errors":0,"dead_lettered":0,"batch_latency":{"p99_seconds":0.0004}},
    {"name":"lake","kind":"sink","type":"parquet","events_in":)" +
         std::to_string(out_events) + R"(,"events_out":)" + std::to_string(out_events) +
         R"(,"errors":)" + std::to_string(errors) +
         R"(,"dead_lettered":0,"batch_latency":{"p99_seconds":0.25},"queued_batches":3,"healthy":)" +
         (lake_ok ? "true" : R"(false,"error":"write: No space left on device")") + R"(}],
    "delivery_latency":{"api":{"p50_seconds":0.5,"p99_seconds":1.5}},
    "log":{"backlog":[{"group":"sluice","topic":"api","partition":0,"lag":)" +
         std::to_string(lag) + R"(}]}})";
}

TEST(TopView, RatesAreCounterDifferencesOverTheInterval) {
  auto view =
      render_top(reading(1'000'000, 1000, 0, 10, true), reading(3'000'000, 5000, 4, 50, true), {});
  ASSERT_TRUE(view.is_ok()) << view.status().message();
  const std::string& text = *view;
  EXPECT_NE(text.find("(rates over 2.0s)"), std::string::npos) << text;
  // 4000 events in 2 s; 4 errors in 2 s.
  EXPECT_NE(text.find("api                      source    http               -      2000       0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("lake                     sink      parquet         2000      2000       2   "
                      "    0   250.0ms       3 ok"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sluice/api                                         50        +20"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("500.0ms      1.50s"), std::string::npos) << text;
}

TEST(TopView, AFirstReadingShowsNoRatesAndAFailingSinkItsError) {
  auto view = render_top("", reading(1'000'000, 1000, 0, 10, false), {});
  ASSERT_TRUE(view.is_ok());
  EXPECT_NE(view->find("FAILING write: No space left on device"), std::string::npos) << *view;
  EXPECT_EQ(view->find("rates over"), std::string::npos);
}

TEST(TopView, SomethingElseThanTheComponentsDocumentIsAnError) {
  EXPECT_FALSE(render_top("", "<html>", {}).is_ok());
  EXPECT_FALSE(render_top("", R"({"phase":"running"})", {}).is_ok());
}

}  // namespace
}  // namespace sluice::cli

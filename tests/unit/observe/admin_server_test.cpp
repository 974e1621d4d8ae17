#include "observe/admin_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace sluice::observe {
namespace {

struct Reply {
  long status = 0;
  std::string content_type;
  std::string body;
};

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

Reply request(uint16_t port, const std::string& path, const char* method = "GET") {
  Reply r;
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << url;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  char* type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  if (type) r.content_type = type;
  curl_easy_cleanup(curl);
  return r;
}

struct Admin : ::testing::Test {
  ComponentStats lake{"lake", ComponentKind::kSink, "parquet"};
  std::atomic<bool> sink_ok{true};
  std::atomic<int> statuses_taken{0};
  AdminServer server{
      "127.0.0.1", 0, "9.9.9", [this] {
        ++statuses_taken;
        PipelineStatus st;
        st.phase = PipelineStatus::Phase::kRunning;
        st.components.push_back(
            {&lake, {"api"}, {}, 0, sink_ok.load(), sink_ok ? "" : "write: down", 0});
        return st;
      }};
  void SetUp() override { ASSERT_TRUE(server.start().is_ok()); }
};

TEST_F(Admin, ServesMetricsInThePrometheusTextFormat) {
  lake.add_out(7);
  Reply r = request(server.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("sluice_component_events_out_total{component=\"lake\",kind=\"sink\",type="
                        "\"parquet\"} 7\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("sluice_build_info{version=\"9.9.9\"} 1"), std::string::npos);
  // The admin server counts its own requests: the first scrape was answered before the second
  // rendered.
  Reply again = request(server.port(), "/metrics");
  EXPECT_NE(again.body.find("sluice_http_responses_total{server=\"admin\",code=\"2xx\"} 1\n"),
            std::string::npos);
}

TEST_F(Admin, ReadyTurns503WhileASinkFails) {
  EXPECT_EQ(request(server.port(), "/ready").status, 200);
  sink_ok = false;
  Reply r = request(server.port(), "/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("write: down"), std::string::npos);
  EXPECT_EQ(request(server.port(), "/health").status, 200);  // alive, though not ready
}

TEST_F(Admin, AnswersOnlyGetOnKnownPaths) {
  EXPECT_EQ(request(server.port(), "/api/v1/components").status, 200);
  EXPECT_EQ(request(server.port(), "/nope").status, 404);
  const int taken = statuses_taken.load();
  EXPECT_EQ(request(server.port(), "/metrics", "POST").status, 405);
  EXPECT_EQ(request(server.port(), "/metrics", "DELETE").status, 405);
  EXPECT_EQ(statuses_taken.load(), taken);  // refused before any work
}

}  // namespace
}  // namespace sluice::observe

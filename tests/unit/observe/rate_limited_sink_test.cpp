#include "observe/rate_limited_sink.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace sluice::observe {
namespace {

struct Logged {
  std::ostringstream out;
  std::shared_ptr<RateLimitedSink> limited;
  std::shared_ptr<spdlog::logger> logger;

  explicit Logged(int64_t interval_us) {
    limited = std::make_shared<RateLimitedSink>(
        std::make_shared<spdlog::sinks::ostream_sink_mt>(out), interval_us);
    logger = std::make_shared<spdlog::logger>("test", limited);
    logger->set_pattern("%l %v");
  }
  int lines() const {
    const std::string s = out.str();
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  }
};

TEST(RateLimitedSink, ARepeatedMessagePassesOnceThenWithACount) {
  Logged log(200'000);
  for (int i = 0; i < 100; ++i)
    log.logger->warn("sink \"lake\": write failed ({} so far), retrying in {} ms", i, i * 100);
  EXPECT_EQ(log.lines(), 1);
  EXPECT_EQ(log.limited->suppressed_total(), 99u);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  log.logger->warn("sink \"lake\": write failed ({} so far), retrying in {} ms", 100, 5000);
  EXPECT_EQ(log.lines(), 2);
  EXPECT_NE(log.out.str().find("write failed (100 so far), retrying in 5000 ms (99 similar "
                               "messages suppressed in the last"),
            std::string::npos)
      << log.out.str();
}

TEST(RateLimitedSink, DifferentMessagesAndLevelsAreNotHeldBack) {
  Logged log(60'000'000);
  log.logger->warn("sink \"a\" failed");
  log.logger->warn("sink \"b\" failed");
  log.logger->error("sink \"a\" failed");
  log.logger->info("started");
  EXPECT_EQ(log.lines(), 4);
  EXPECT_EQ(log.limited->suppressed_total(), 0u);
}

TEST(RateLimitedSink, RemembersABoundedNumberOfKinds) {
  Logged log(60'000'000);
  for (size_t i = 0; i < RateLimitedSink::kMaxKinds + 10; ++i) {
    log.logger->warn("kind " + std::string(1 + i % 26, 'a') + std::string(1 + i / 26, 'b'));
  }
  EXPECT_EQ(log.lines(), static_cast<int>(RateLimitedSink::kMaxKinds + 10));
  log.logger->warn("kind ab");  // forgotten as the least recently seen: passes again
  EXPECT_EQ(log.lines(), static_cast<int>(RateLimitedSink::kMaxKinds + 11));
}

TEST(RateLimitedSink, InfoMessagesThatDifferOnlyInDigitsAllPass) {
  Logged log(60'000'000);
  log.logger->info("log: this instance now reads ingest/0 ingest/3");
  log.logger->info("log: this instance now reads ingest/1 ingest/4");
  log.logger->info("log: this instance now reads ingest/1 ingest/4");
  EXPECT_EQ(log.lines(), 3);
  EXPECT_EQ(log.limited->suppressed_total(), 0u);
}

}  // namespace
}  // namespace sluice::observe

#include <gtest/gtest.h>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

constexpr int64_t kSecond = 1'000'000;

TEST(Dedup, ARepeatWithinTheWindowIsDroppedAndAfterItPasses) {
  TransformHarness d("    type: dedup\n    inputs: [in]\n    key_fields: [id]\n    window: 10s");
  auto out = d.run({R"({"id":1,"v":"a"})", R"({"id":2})", R"({"id":1,"v":"b"})", R"({"id":1,"v":"c"})",
                    R"({"id":2})"},
                   {0, 1 * kSecond, 5 * kSecond, 11 * kSecond, 30 * kSecond});
  // id 1 at 0 s passes, at 5 s is a repeat, at 11 s is past the window; id 2 again at 30 s too.
  EXPECT_EQ(out[0], (std::vector<std::string>{R"({"id":1,"v":"a"})", R"({"id":2})", R"({"id":1,"v":"c"})",
                                              R"({"id":2})"}));
}

TEST(Dedup, WithoutKeyFieldsTheWholeEventIsTheKey) {
  TransformHarness d("    type: dedup\n    inputs: [in]");
  auto out = d.run({R"({"a":1,"b":2})", R"({"a":1,"b":2})", R"({"a":1,"b":3})"});
  EXPECT_EQ(out[0].size(), 2u);
}

TEST(Dedup, MemoryIsBoundedByMaxKeys) {
  TransformHarness d("    type: dedup\n    inputs: [in]\n    key_fields: [id]\n    max_keys: 100");
  std::vector<std::string> events;
  for (int i = 0; i < 1000; ++i) events.push_back(R"({"id":)" + std::to_string(i) + "}");
  d.run(events);
  EXPECT_EQ(d.stats().snapshot().state_entries, 100u);
  EXPECT_EQ(d.run({R"({"id":999})"})[0].size(), 0u);  // recent: still remembered
  EXPECT_EQ(d.run({R"({"id":0})"})[0].size(), 1u);    // the oldest was forgotten
}

TEST(Dedup, SavedStateContinuesExactlyWhereItStopped) {
  TransformHarness first("    type: dedup\n    inputs: [in]\n    key_fields: [id]\n    window: 1m");
  first.run({R"({"id":1})", R"({"id":2})"}, {0, kSecond});
  std::string state;
  first.transform().save_state(&state);
  TransformHarness second("    type: dedup\n    inputs: [in]\n    key_fields: [id]\n    window: 1m");
  ASSERT_TRUE(second.transform().load_state(state).is_ok());
  EXPECT_EQ(second.run({R"({"id":1})", R"({"id":3})"}, {2 * kSecond, 2 * kSecond})[0],
            (std::vector<std::string>{R"({"id":3})"}));
  TransformHarness other("    type: dedup\n    inputs: [in]\n    key_fields: [other]\n    window: 1m");
  EXPECT_FALSE(other.transform().load_state(state).is_ok());
  EXPECT_FALSE(second.transform().load_state(state.substr(0, state.size() - 3)).is_ok());
}

TEST(Throttle, AtMostLimitPerKeyInEachWindow) {
  TransformHarness t("    type: throttle\n    inputs: [in]\n    key_fields: [user]\n    limit: 2\n    window: 1m");
  auto out = t.run({R"({"user":"a","n":1})", R"({"user":"a","n":2})", R"({"user":"a","n":3})", R"({"user":"b","n":4})",
                    R"({"user":"a","n":5})"},
                   {0, 1 * kSecond, 2 * kSecond, 3 * kSecond, 61 * kSecond});
  EXPECT_EQ(out[0], (std::vector<std::string>{R"({"user":"a","n":1})", R"({"user":"a","n":2})",
                                              R"({"user":"b","n":4})", R"({"user":"a","n":5})"}));
  // A late event of the window before still counts against it.
  EXPECT_TRUE(t.run({R"({"user":"a","n":6})"}, {4 * kSecond})[0].empty());
}

TEST(Throttle, SavedCountsContinue) {
  const std::string yaml = "    type: throttle\n    inputs: [in]\n    limit: 3\n    window: 1m";
  TransformHarness first(yaml);
  first.run({R"({"n":1})", R"({"n":2})"});
  std::string state;
  first.transform().save_state(&state);
  TransformHarness second(yaml);
  ASSERT_TRUE(second.transform().load_state(state).is_ok());
  EXPECT_EQ(second.run({R"({"n":3})", R"({"n":4})"})[0].size(), 1u);
}

}  // namespace
}  // namespace sluice::transform

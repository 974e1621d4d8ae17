#include <gtest/gtest.h>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

TEST(Remap, SetsComputedFieldsInOrderEachSeeingThePrevious) {
  TransformHarness remap(R"(    type: remap
    inputs: [in]
    set:
      latency_s: to_float(.latency_ms) / 1000
      slow: .latency_s > 0.5
      http.code: .status)");
  auto out = remap.run({R"({"latency_ms":750,"status":200})"});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0][0], R"({"latency_ms":750,"status":200,"latency_s":0.75,"slow":true,"http":{"code":200}})");
}

TEST(Remap, RenamesThenSetsThenDeletes) {
  TransformHarness remap(R"(    type: remap
    inputs: [in]
    rename:
      ip: client.ip
      missing: nowhere
    set:
      has_ip: exists(.client.ip)
    delete: [secret, client.port])");
  auto out = remap.run({R"({"ip":"10.0.0.1","secret":"x","client":{"port":80}})"});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0][0], R"({"client":{"ip":"10.0.0.1"},"has_ip":true})");
}

TEST(Remap, FailedStepDeadLettersTheUntouchedOriginal) {
  TransformHarness remap(R"(    type: remap
    inputs: [in]
    set:
      first: '"done"'
      number: to_int(.code))");
  auto out = remap.run({R"({"code":"abc"})", R"({"code":"42"})"});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0][0], R"({"code":"42","first":"done","number":42})");
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_NE(out[1][0].find(R"("event":{"code":"abc"})"), std::string::npos) << out[1][0];
  EXPECT_NE(out[1][0].find(R"("reason":"set .number: )"), std::string::npos) << out[1][0];
}

TEST(Remap, SettingAFieldInsideAScalarIsADeadLetterNotACrash) {
  TransformHarness remap(R"(    type: remap
    inputs: [in]
    set:
      status.code: 1)");
  auto out = remap.run({R"({"status":200})"});
  EXPECT_TRUE(out[0].empty());
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_NE(out[1][0].find("cannot set field"), std::string::npos) << out[1][0];
}

}  // namespace
}  // namespace sluice::transform

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

namespace sluice::transform {
namespace {

TEST(Remap, StepsSeeEarlierStepsAndMixNestedWithTopLevelFields) {
  testing::TransformHarness remap(R"(    type: remap
    inputs: [in]
    rename: {a: b, x.y: z}
    set:
      c: .b + 1
      d.e: .c * 2
      copy: .
      c: .c + 100
    delete: [x, missing])");
  auto out = remap.run({R"({"a":1,"x":{"y":5,"k":0}})"});
  ASSERT_EQ(out[0].size(), 1u) << (out[1].empty() ? "" : out[1][0]);
  // `copy` holds the event as it was when it was taken, not as later steps changed it.
  EXPECT_EQ(out[0][0], R"({"b":1,"z":5,"c":102,"d":{"e":4},"copy":{"x":{"k":0},"b":1,"z":5,"c":2,"d":{"e":4}}})");
}

TEST(Remap, TheInputEventIsNeverChanged) {
  testing::TransformHarness remap("    type: remap\n    inputs: [in]\n    set: {a: 2}\n    delete: [b]");
  Batch in;
  in.events.push_back(Event{testing::parse_line(R"({"a":1,"b":2})", in.arena()), 0});
  const std::string before = format::to_json(in.events[0].fields);
  std::vector<Batch> ports(2, in.derive());
  TransformOutputs outputs(ports, "t", const_cast<observe::ComponentStats&>(remap.stats()));
  remap.transform().process(in, outputs);
  EXPECT_EQ(format::to_json(in.events[0].fields), before);
  EXPECT_EQ(format::to_json(ports[0].events[0].fields), R"({"a":2})");
}

}  // namespace
}  // namespace sluice::transform

#include <gtest/gtest.h>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

TEST(Parse, JsonIsMergedIntoTheEventWithItsTypes) {
  TransformHarness p("    type: parse\n    inputs: [in]\n    field: .message\n    drop_field: true");
  auto out = p.run({R"({"host":"a","message":"{\"level\":\"warn\",\"n\":3,\"host\":\"b\"}"})"});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0][0], R"({"host":"b","level":"warn","n":3})");
}

TEST(Parse, LogfmtGivesStringsAndBareKeysAreTrue) {
  TransformHarness p("    type: parse\n    inputs: [in]\n    field: .line\n    format: logfmt\n    target: .log");
  auto out = p.run({R"({"line":"level=info msg=\"user \\\"x\\\" logged in\" took=12ms retry"})"});
  ASSERT_EQ(out[0].size(), 1u) << (out[1].empty() ? "" : out[1][0]);
  EXPECT_EQ(out[0][0],
            R"({"line":"level=info msg=\"user \\\"x\\\" logged in\" took=12ms retry","log":{"level":"info","msg":"user \"x\" logged in","took":"12ms","retry":true}})");
}

TEST(Parse, RegexNamedGroupsBecomeFields) {
  TransformHarness p(R"yaml(    type: parse
    inputs: [in]
    field: .message
    format: regex
    pattern: '^(?P<ip>\S+) "(?P<method>[A-Z]+) (?P<path>\S+)"( (?P<extra>\d+))?')yaml");
  auto out = p.run({R"({"message":"10.0.0.1 \"GET /api/x\""})", R"({"message":"garbage"})"});
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0][0], R"({"message":"10.0.0.1 \"GET /api/x\"","ip":"10.0.0.1","method":"GET","path":"/api/x"})");
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_NE(out[1][0].find("does not match the pattern"), std::string::npos) << out[1][0];
}

TEST(Parse, WhatDoesNotParseIsDeadLetteredWithTheReason) {
  TransformHarness p("    type: parse\n    inputs: [in]\n    field: .message");
  auto out = p.run({R"({"message":"{not json"})", R"({"other":1})", R"({"message":7})", R"({"message":"[1,2]"})"});
  EXPECT_TRUE(out[0].empty());
  ASSERT_EQ(out[1].size(), 4u);
  EXPECT_NE(out[1][1].find("no field .message"), std::string::npos) << out[1][1];
  EXPECT_NE(out[1][2].find("is not a string"), std::string::npos) << out[1][2];
  EXPECT_NE(out[1][3].find("not an object"), std::string::npos) << out[1][3];
}

TEST(Parse, ABadPatternIsRefusedWhenThePipelineLoads) {
  Diagnostics d;
  EXPECT_FALSE(load_pipeline_text("sources:\n  in: {type: generator}\ntransforms:\n  p:\n    type: parse\n    inputs: "
                                  "[in]\n    field: .m\n    format: regex\n    pattern: '(unclosed'\nsinks:\n  o: "
                                  "{type: blackhole, inputs: [p]}\n",
                                  "p.yaml", runtime::Registry::builtin(), d));
  EXPECT_NE(d.format().find("invalid regular expression"), std::string::npos) << d.format();
  Diagnostics unnamed;
  EXPECT_FALSE(load_pipeline_text("sources:\n  in: {type: generator}\ntransforms:\n  p:\n    type: parse\n    inputs: "
                                  "[in]\n    field: .m\n    format: regex\n    pattern: '(\\d+)'\nsinks:\n  o: "
                                  "{type: blackhole, inputs: [p]}\n",
                                  "p.yaml", runtime::Registry::builtin(), unnamed));
  EXPECT_NE(unnamed.format().find("no named group"), std::string::npos) << unnamed.format();
}

}  // namespace
}  // namespace sluice::transform

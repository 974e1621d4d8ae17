// The run-time half of least exposure: which events a sink of a given clearance
// refuses, and what the reason says (never the value).
#include "governance/exposure_guard.h"

#include <gtest/gtest.h>

#include "format/json_reader.h"

namespace sluice::governance {
namespace {

class ExposureGuardTest : public testing::Test {
 protected:
  std::string check(DataClass clearance, std::string_view json) {
    Value event;
    Status s = reader_.read_object(json, arena_, &event);
    EXPECT_TRUE(s.is_ok()) << s.message();
    ExposureGuard guard(clearance);
    return guard.check(event);
  }
  Arena arena_;
  format::JsonReader reader_;
};

TEST_F(ExposureGuardTest, RefusesAValueAboveTheClearanceWhereverItIs) {
  EXPECT_EQ(check(DataClass::kInternal, R"({"note": "siti@example.co.id"})"),
            "field .note holds an email value (confidential), above what the sink accepts");
  EXPECT_EQ(
      check(DataClass::kInternal, R"({"payload": {"items": [{"pan": "4111 1111 1111 1111"}]}})"),
      "field .payload.items.pan holds a payment_card value (restricted), above what the sink "
      "accepts");
  // A card number sent as a number is still a card number.
  EXPECT_EQ(check(DataClass::kConfidential, R"({"n": 4111111111111111})"),
            "field .n holds a payment_card value (restricted), above what the sink accepts");
  EXPECT_EQ(check(DataClass::kPublic, R"({"client": "10.1.2.3"})"),
            "field .client holds an ipv4 value (internal), above what the sink accepts");
}

TEST_F(ExposureGuardTest, LetsThroughWhatTheSinkIsClearedForAndWhatIsGoverned) {
  EXPECT_EQ(check(DataClass::kInternal,
                  R"({"client": "10.1.2.3", "status": 200, "count": 123456789012})"),
            "");
  EXPECT_EQ(check(DataClass::kConfidential, R"({"email": "siti@example.co.id"})"), "");
  EXPECT_EQ(check(DataClass::kPublic,
                  R"({"email": "tok_k1_jZSviBfrrsmUOU3T-LwVhw", "route": "/api/v1/users"})"),
            "");
  EXPECT_EQ(check(DataClass::kPublic, R"({"text": "write to siti@example.co.id today"})"), "");
}

TEST_F(ExposureGuardTest, TheReasonNeverHoldsTheValue) {
  const std::string reason = check(DataClass::kPublic, R"({"phone": "+62 812-3456-7890"})");
  EXPECT_NE(reason, "");
  EXPECT_EQ(reason.find("3456"), std::string::npos) << reason;
}

}  // namespace
}  // namespace sluice::governance

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

// Keys through the environment, as a deployment without a key file would give them.
struct GovernKeys {
  GovernKeys() {
    ::setenv("SLUICE_GOVERN_KEYS",
             ("k1:" + std::string(64, 'a') + ",k2:" + std::string(64, 'b')).c_str(), 1);
  }
  ~GovernKeys() { ::unsetenv("SLUICE_GOVERN_KEYS"); }
};

TEST(Govern, FieldActionsProtectEachNamedField) {
  GovernKeys keys;
  TransformHarness govern(R"(    type: govern
    inputs: [in]
    key_id: k2
    fields:
      email: tokenize
      phone: encrypt
      card_number: drop
      client.ip: mask
      user_id: hash
      note: allow)");
  auto out = govern.run(
      {R"({"email":"budi@example.com","phone":"0812-3456-7890","card_number":"4111111111111111",)"
       R"("client":{"ip":"10.1.2.3"},"user_id":"u-1","note":"budi@example.com","status":200})"});
  ASSERT_EQ(out[0].size(), 1u) << (out[1].empty() ? "" : out[1][0]);
  const std::string& e = out[0][0];
  EXPECT_TRUE(std::regex_search(e, std::regex(R"re("email":"tok_k2_[A-Za-z0-9_-]{22}")re"))) << e;
  EXPECT_TRUE(std::regex_search(e, std::regex(R"re("phone":"enc_k2_[A-Za-z0-9_-]+")re"))) << e;
  EXPECT_EQ(e.find("card_number"), std::string::npos) << e;
  EXPECT_NE(e.find(R"("client":{"ip":"****.2.3"})"), std::string::npos) << e;
  EXPECT_NE(e.find(R"("user_id":"a24a7f55)"), std::string::npos)
      << e;  // sha256("u-1") starts a24a7f55
  EXPECT_NE(e.find(R"("note":"budi@example.com")"), std::string::npos) << e;  // allowed as it is
  EXPECT_NE(e.find(R"("status":200)"), std::string::npos) << e;
  EXPECT_EQ(e.find("0812"), std::string::npos) << e;
}

TEST(Govern, DetectedClassesAreProtectedWhereverTheyAre) {
  GovernKeys keys;
  TransformHarness govern(R"(    type: govern
    inputs: [in]
    key_id: k1
    classes: {restricted: drop, confidential: tokenize}
    patterns: {employee: 'EMP-\d{6}'})");
  auto out = govern.run(
      {R"({"msg":"ok","contact":{"mail":"siti@example.co.id","alt":["+62 812-1111-2222","x"]},)"
       R"("ktp":"3174015008900001","card":4111111111111111,"who":"EMP-004211","ip":"10.0.0.1",)"
       R"("order":123456789})"});
  ASSERT_EQ(out[0].size(), 1u);
  const std::string& e = out[0][0];
  EXPECT_TRUE(std::regex_search(e, std::regex(R"re("mail":"tok_k1_)re"))) << e;
  EXPECT_TRUE(std::regex_search(e, std::regex(R"re("alt":\["tok_k1_[^"]+","x"\])re"))) << e;
  EXPECT_TRUE(std::regex_search(e, std::regex(R"re("who":"tok_k1_)re"))) << e;
  EXPECT_EQ(e.find("ktp"), std::string::npos) << e;   // restricted: dropped
  EXPECT_EQ(e.find("card"), std::string::npos) << e;  // a card number sent as a number too
  EXPECT_NE(e.find(R"("ip":"10.0.0.1")"), std::string::npos) << e;  // internal: no action given
  EXPECT_NE(e.find(R"("order":123456789)"), std::string::npos) << e;
  EXPECT_NE(e.find(R"("msg":"ok")"), std::string::npos) << e;
}

TEST(Govern, TokensAreStableAndGoverningTwiceChangesNothing) {
  GovernKeys keys;
  const std::string config =
      "    type: govern\n    inputs: [in]\n    key_id: k1\n    fields: {email: tokenize}\n"
      "    classes: {confidential: tokenize}";
  TransformHarness once(config);
  auto first = once.run({R"({"email":"a@example.com"})", R"({"email":"a@example.com"})"});
  ASSERT_EQ(first[0].size(), 2u);
  EXPECT_EQ(first[0][0], first[0][1]);
  TransformHarness twice(config);
  auto second = twice.run({first[0][0]});
  EXPECT_EQ(second[0][0], first[0][0]);
}

TEST(Govern, AnObjectWhereTextIsNeededGoesToTheDeadLetters) {
  GovernKeys keys;
  TransformHarness govern(
      "    type: govern\n    inputs: [in]\n    key_id: k1\n    fields: {email: tokenize}");
  auto out = govern.run({R"({"email":{"home":"a@example.com"}})", R"({"email":"b@example.com"})"});
  ASSERT_EQ(out[0].size(), 1u);
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_NE(out[1][0].find("field email: cannot tokenize a value that is not text or a number"),
            std::string::npos)
      << out[1][0];
}

TEST(Govern, KeysAreRequiredAndTheActiveOneMustBeNamedAmongSeveral) {
  ::unsetenv("SLUICE_GOVERN_KEYS");
  EXPECT_THROW(
      TransformHarness("    type: govern\n    inputs: [in]\n    fields: {email: tokenize}"),
      std::runtime_error);
  GovernKeys keys;
  try {
    TransformHarness("    type: govern\n    inputs: [in]\n    fields: {email: tokenize}");
    ADD_FAILURE() << "two keys and no key_id was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("key_id"), std::string::npos) << e.what();
  }
  // Mask, hash and drop need no key.
  EXPECT_NO_THROW(TransformHarness(
      "    type: govern\n    inputs: [in]\n    fields: {email: mask, phone: drop}"));
}

}  // namespace
}  // namespace sluice::transform

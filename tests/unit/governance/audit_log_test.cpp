// The audit log: entries name their actor and chain like the ledger, two writers of
// one directory (a pipeline and `sluice detokenize`) keep one unbroken chain, and
// refused requests are counted into few entries.
#include "governance/audit_log.h"
#include "governance/rejected_requests.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace sluice::governance {
namespace {

namespace fs = std::filesystem;

struct AuditLogTest : ::testing::Test {
  std::string dir = (fs::temp_directory_path() /
                     ("sluice_audit_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                        .string();
  AuditLogTest() { fs::remove_all(dir); }
  ~AuditLogTest() override { fs::remove_all(dir); }
};

TEST_F(AuditLogTest, EntriesNameTheActorAndChain) {
  auto log = AuditLog::open(dir);
  ASSERT_TRUE(log) << log.status().message();
  ASSERT_TRUE((*log)->record("detokenize", R"("values":3)").is_ok());
  ASSERT_TRUE((*log)->record("pipeline_started", "").is_ok());
  auto entries = ChainedLedger::entries(AuditLog::dir_for(dir));
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_NE((*entries)[0].find(R"("event":"detokenize","actor":{"user":)"), std::string::npos)
      << (*entries)[0];
  EXPECT_NE((*entries)[0].find(R"("pid":)" + std::to_string(::getpid())), std::string::npos);
  EXPECT_NE((*entries)[0].find(R"("values":3})"), std::string::npos);
  EXPECT_EQ(AuditLog::last_of(dir, "detokenize"), (*entries)[0]);
  EXPECT_EQ(AuditLog::last_of(dir, "key_rotated"), "");
}

TEST_F(AuditLogTest, TwoWritersOfOneDirectoryKeepOneChain) {
  auto a = AuditLog::open(dir);
  auto b = AuditLog::open(dir);  // as a second process would: each with its own view of the head
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((i % 3 ? *a : *b)->record("x", R"("i":)" + std::to_string(i)).is_ok());
  }
  const auto v = ChainedLedger::verify(AuditLog::dir_for(dir));
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 20u);
}

TEST_F(AuditLogTest, RefusedRequestsBecomeOneEntryPerInterval) {
  auto log = AuditLog::open(dir);
  ASSERT_TRUE(log);
  {
    RejectedRequests rejected(log->get(), "api", 60'000'000);
    for (int i = 0; i < 500; ++i) rejected.count(i % 5 == 0 ? 401 : 403);
  }  // the rest is written at the end
  auto entries = ChainedLedger::entries(AuditLog::dir_for(dir));
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2u);  // the first refusal at once, the other 499 at the end
  EXPECT_NE((*entries)[0].find(R"("source":"api","unauthorized":1,"forbidden":0)"),
            std::string::npos)
      << (*entries)[0];
  EXPECT_NE((*entries)[1].find(R"("unauthorized":99,"forbidden":400)"), std::string::npos)
      << (*entries)[1];
}

}  // namespace
}  // namespace sluice::governance

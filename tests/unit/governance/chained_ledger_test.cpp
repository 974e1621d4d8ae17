// The lineage ledger's chain: appends continue across reopenings, and every kind of
// tampering — an edit, a deletion, a reordering, a cut at the end, a torn last
// line, a replaced last entry — is found and names the first broken entry.
#include "governance/chained_ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace sluice::governance {
namespace {

namespace fs = std::filesystem;

struct LedgerTest : ::testing::Test {
  std::string dir = (fs::temp_directory_path() /
                     ("sluice_ledger_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                        .string();
  std::string file = dir + "/" + ChainedLedger::kFileName;
  LedgerTest() {
    fs::remove_all(dir);
    auto l = ChainedLedger::open(dir);
    EXPECT_TRUE(l) << l.status().message();
    for (int i = 1; i <= 5; ++i)
      EXPECT_EQ(*(*l)->append(R"({"commit":)" + std::to_string(i) + "}"), uint64_t(i));
  }
  ~LedgerTest() override { fs::remove_all(dir); }

  std::vector<std::string> lines() {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  void write(const std::vector<std::string>& ls, bool final_newline = true) {
    std::ofstream out(file, std::ios::trunc);
    for (size_t i = 0; i < ls.size(); ++i)
      out << ls[i] << (i + 1 < ls.size() || final_newline ? "\n" : "");
  }
};

TEST_F(LedgerTest, AnIntactLedgerVerifiesAndContinuesAfterAReopen) {
  auto v = ChainedLedger::verify(dir);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 5u);
  {
    auto l = ChainedLedger::open(dir);
    ASSERT_TRUE(l);
    EXPECT_EQ((*l)->last_seq(), 5u);
    EXPECT_EQ(*(*l)->append(R"({"commit":6})"), 6u);
  }
  v = ChainedLedger::verify(dir);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 6u);
  EXPECT_EQ((*ChainedLedger::entries(dir))[5], R"({"commit":6})");
}

TEST_F(LedgerTest, AnEditedEntryIsFound) {
  auto ls = lines();
  ls[2].replace(ls[2].find(R"("commit":3)"), 10, R"("commit":9)");
  write(ls);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 3u);
  EXPECT_NE(v.problem.find("edited"), std::string::npos) << v.problem;
  EXPECT_EQ(v.entries, 2u);
}

TEST_F(LedgerTest, AnEditRecomputingTheHashBreaksTheNextLink) {
  // Whoever edits entry 3 and fixes its hash still breaks entry 4's link to it.
  auto ls = lines();
  const std::string entry = R"({"commit":99})";
  const std::string prev = ls[2].substr(ls[2].find("\"prev\":\"") + 8, 64);
  const std::string hash = sha256_hex("3\n" + prev + "\n" + entry);
  ls[2] = R"({"seq":3,"prev":")" + prev + R"(","hash":")" + hash + R"(","entry":)" + entry + "}";
  write(ls);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 4u);
  EXPECT_NE(v.problem.find("link"), std::string::npos) << v.problem;
}

TEST_F(LedgerTest, ADeletedEntryIsFound) {
  auto ls = lines();
  ls.erase(ls.begin() + 1);
  write(ls);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 2u);
  EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

TEST_F(LedgerTest, ReorderedEntriesAreFound) {
  auto ls = lines();
  std::swap(ls[1], ls[2]);
  write(ls);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 2u);
}

TEST_F(LedgerTest, EntriesCutOffTheEndAreFound) {
  auto ls = lines();
  ls.resize(3);
  write(ls);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 4u);
  EXPECT_NE(v.problem.find("cut off the end"), std::string::npos) << v.problem;
  // A broken chain is not appended to.
  auto l = ChainedLedger::open(dir);
  EXPECT_FALSE(l);
  EXPECT_NE(l.status().message().find("entry 4"), std::string::npos) << l.status().message();
}

TEST_F(LedgerTest, ATornLastLineAndAReplacedLastEntryAreFound) {
  auto ls = lines();
  const std::string whole = ls[4];
  ls[4] = whole.substr(0, whole.size() / 2);
  write(ls, false);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 5u);

  // The last entry replaced by a valid entry 5 with other content: the head knows.
  ls[4] = whole;
  const std::string prev = whole.substr(whole.find("\"prev\":\"") + 8, 64);
  const std::string entry = R"({"commit":"forged"})";
  ls[4] = R"({"seq":5,"prev":")" + prev + R"(","hash":")" +
          sha256_hex("5\n" + prev + "\n" + entry) + R"(","entry":)" + entry + "}";
  write(ls);
  v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 5u);
  EXPECT_NE(v.problem.find("head"), std::string::npos) << v.problem;
}

TEST_F(LedgerTest, ATailTornByACrashIsCutOffWhenTheLedgerOpens) {
  // An append cut short before its head was written: never acknowledged.
  { std::ofstream(file, std::ios::app) << R"({"seq":6,"prev":"abc)"; }
  EXPECT_TRUE(ChainedLedger::verify(dir).torn_tail);
  auto l = ChainedLedger::open(dir);
  ASSERT_TRUE(l) << l.status().message();
  EXPECT_EQ((*l)->last_seq(), 5u);
  EXPECT_EQ(*(*l)->append(R"({"commit":6})"), 6u);
  EXPECT_TRUE(ChainedLedger::verify(dir).ok);
}

TEST_F(LedgerTest, AMissingFileWithAHeadIsFound) {
  fs::remove(file);
  auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

log::KeyRing ring(const std::string& list) {
  log::KeyRing keys;
  EXPECT_TRUE(keys.load_text_list(list, "test").is_ok());
  return keys;
}

TEST_F(LedgerTest, SealedEntriesHideTheirContentVerifyWithoutAKeyAndReadWithIt) {
  const std::string k1 = "k1:" + std::string(64, '1');
  {
    auto l = ChainedLedger::open(dir);
    ASSERT_TRUE(l);
    (*l)->seal_with(*ring(k1).find("k1"), "k1");
    EXPECT_EQ(*(*l)->append(R"({"commit":6,"sink":"lake-secret-name"})"), 6u);
    EXPECT_EQ(*(*l)->append(R"({"commit":7})"), 7u);
  }
  const std::vector<std::string> ls = lines();
  ASSERT_EQ(ls.size(), 7u);
  EXPECT_NE(ls[5].find("\"entry\":\"sealed:k1:"), std::string::npos) << ls[5];
  EXPECT_EQ(ls[5].find("lake-secret-name"), std::string::npos);
  EXPECT_TRUE(ChainedLedger::verify(dir).ok)
      << "the chain is checked on what is stored: no key needed";

  auto opened = ChainedLedger::entries(dir, ring(k1));
  ASSERT_TRUE(opened) << opened.status().message();
  ASSERT_EQ(opened->size(), 7u);
  EXPECT_EQ((*opened)[0], R"({"commit":1})") << "plain entries before sealing read as they are";
  EXPECT_EQ((*opened)[5], R"({"commit":6,"sink":"lake-secret-name"})");

  auto keyless = ChainedLedger::entries(dir);
  ASSERT_FALSE(keyless);
  EXPECT_NE(keyless.status().message().find("entry 6"), std::string::npos)
      << keyless.status().message();
  EXPECT_NE(keyless.status().message().find("key \"k1\""), std::string::npos)
      << keyless.status().message();
  EXPECT_FALSE(ChainedLedger::entries(dir, ring("k1:" + std::string(64, '2'))));
}

TEST_F(LedgerTest, AnEditedSealedEntryIsFoundByVerify) {
  {
    auto l = ChainedLedger::open(dir);
    ASSERT_TRUE(l);
    (*l)->seal_with(*ring("k1:" + std::string(64, '1')).find("k1"), "k1");
    ASSERT_TRUE((*l)->append(R"({"commit":6})"));
  }
  std::vector<std::string> ls = lines();
  const size_t at = ls[5].find("sealed:k1:") + 12;
  ls[5][at] = ls[5][at] == 'A' ? 'B' : 'A';
  write(ls);
  const auto v = ChainedLedger::verify(dir);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.broken_seq, 6u);
}

}  // namespace
}  // namespace sluice::governance

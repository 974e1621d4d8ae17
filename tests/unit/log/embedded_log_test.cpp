#include "log/embedded_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "log_test_util.h"
#include "log/segment.h"
#include "support/temp_dir.h"

namespace sluice::log {
namespace {

using sluice::testing::TempDir;
using testing::append_numbered;
using testing::open_log;
using testing::read_all;
using testing::topic;
namespace fs = std::filesystem;

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("v" + std::to_string(i));
  return out;
}

std::vector<std::string> segment_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(EmbeddedLog, AppendsGetConsecutiveOffsetsAndReadBack) {
  TempDir dir;
  auto log = open_log(dir.path());
  ASSERT_TRUE(log->ensure_topic(topic("events", 2)).is_ok());
  auto a = append_numbered(*log, "events", 0, 0, 10);
  auto b = append_numbered(*log, "events", 0, 10, 5);
  auto c = append_numbered(*log, "events", 1, 100, 3);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->first_offset, 0);
  EXPECT_EQ(a->last_offset, 9);
  EXPECT_EQ(b->first_offset, 10);
  EXPECT_EQ(c->first_offset, 0);
  EXPECT_EQ(read_all(*log, "events", 0).values, numbered(0, 15));
  EXPECT_EQ(read_all(*log, "events", 1).values, numbered(100, 103));
  // Reading from the middle of a batch starts at that record.
  auto middle = read_all(*log, "events", 0, 12);
  EXPECT_EQ(middle.values, numbered(12, 15));
  EXPECT_EQ(middle.offsets.front(), 12);
}

TEST(EmbeddedLog, ReadWaitsForDataAndWakesOnAppend) {
  TempDir dir;
  auto log = open_log(dir.path());
  ASSERT_TRUE(log->ensure_topic(topic("t")).is_ok());
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(append_numbered(*log, "t", 0, 0, 1));
  });
  auto r = log->read("t", 0, 0, 1 << 20, 10'000'000);
  writer.join();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->records.size(), 1u);
}

TEST(EmbeddedLog, SurvivesReopenWithOffsetsContinuing) {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    ASSERT_TRUE(log->ensure_topic(topic("t")).is_ok());
    ASSERT_TRUE(append_numbered(*log, "t", 0, 0, 7));
  }
  auto log = open_log(dir.path());
  auto topics = log->topics();
  ASSERT_TRUE(topics.is_ok());
  ASSERT_EQ(topics->size(), 1u);
  EXPECT_EQ((*topics)[0].partitions[0].end_offset, 7);
  auto next = append_numbered(*log, "t", 0, 7, 1);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first_offset, 7);
  EXPECT_EQ(read_all(*log, "t", 0).values, numbered(0, 8));
}

TEST(EmbeddedLog, ChangingThePartitionCountIsRefused) {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    ASSERT_TRUE(log->ensure_topic(topic("t", 2)).is_ok());
  }
  auto log = open_log(dir.path());
  Status s = log->ensure_topic(topic("t", 3));
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("2 partitions on disk"), std::string::npos) << s.message();
}

TEST(EmbeddedLog, SegmentsRollBySizeAndReadsCrossThem) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.segment_bytes = 2000;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 5, 5, 40));
  auto files = segment_files(dir.path() + "/log/t/0");
  EXPECT_GE(files.size(), 5u);
  for (const auto& f : files) EXPECT_LE(fs::file_size(f), 2000u + 400u) << f;
  EXPECT_EQ(read_all(*log, "t", 0).values, numbered(0, 200));
}

TEST(EmbeddedLog, SegmentsRollByAge) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.segment_age_us = 1000;  // 1 ms
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(append_numbered(*log, "t", 0, i, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  EXPECT_EQ(segment_files(dir.path() + "/log/t/0").size(), 3u) << "each append after the age limit starts a segment";
  EXPECT_EQ(read_all(*log, "t", 0).values, numbered(0, 3));
}

TEST(EmbeddedLog, SparseIndexHasAnEntryPerFewKilobytes) {
  TempDir dir;
  auto log = open_log(dir.path());
  ASSERT_TRUE(log->ensure_topic(topic("t")).is_ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 10, 10, 100));
  const auto log_bytes = fs::file_size(dir.path() + "/log/t/0/" + Segment::log_name(0));
  const auto index_bytes = fs::file_size(dir.path() + "/log/t/0/" + Segment::index_name(0));
  const auto entries = index_bytes / sizeof(IndexEntry);
  EXPECT_GE(entries, log_bytes / kIndexIntervalBytes / 2);
  EXPECT_LE(entries, log_bytes / kIndexIntervalBytes + 1);
  // A read from deep inside uses the index and returns exactly from that offset.
  auto r = log->read("t", 0, 777, 100, 0);
  ASSERT_TRUE(r.is_ok());
  ASSERT_FALSE(r->records.empty());
  EXPECT_EQ(r->records.front().offset, 777);
}

TEST(EmbeddedLog, MissingOrGarbledIndexIsRebuilt) {
  TempDir dir;
  const std::string part = dir.path() + "/log/t/0/";
  {
    auto log = open_log(dir.path());
    TopicConfig c = topic("t");
    c.segment_bytes = 20000;
    ASSERT_TRUE(log->ensure_topic(c).is_ok());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 10, 10, 100));
  }
  auto files = segment_files(part);
  ASSERT_GE(files.size(), 3u);
  fs::remove(part + Segment::index_name(0));
  {
    std::ofstream garble(fs::path(files[1]).replace_extension(".index"), std::ios::binary | std::ios::trunc);
    garble << "not an index at all";
  }
  auto log = open_log(dir.path());
  EXPECT_TRUE(fs::exists(part + Segment::index_name(0)));
  EXPECT_EQ(read_all(*log, "t", 0).values, numbered(0, 1000));
  auto r = log->read("t", 0, 555, 100, 0);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->records.front().offset, 555);
}

// Writes 20 batches of 10 numbered records ("v0".."v199") to topic t and returns the
// segment file size after each batch, so a test can tell which batch a byte belongs to.
std::vector<uintmax_t> write_twenty_batches(const std::string& dir, const std::function<size_t()>& pad) {
  const std::string seg = dir + "/log/t/0/" + Segment::log_name(0);
  std::vector<uintmax_t> batch_ends;
  auto log = open_log(dir);
  EXPECT_TRUE(log->ensure_topic(topic("t")).is_ok());
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(append_numbered(*log, "t", 0, i * 10, 10, pad()));
    batch_ends.push_back(fs::file_size(seg));
  }
  return batch_ends;
}

TEST(EmbeddedLog, RecoveryCutsATornTailAndKeepsEveryIntactBatch) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 25; ++round) {
    TempDir dir;
    const std::string seg = dir.path() + "/log/t/0/" + Segment::log_name(0);
    const auto batch_ends = write_twenty_batches(dir.path(), [&] { return static_cast<size_t>(rng() % 50); });
    const uintmax_t cut = rng() % batch_ends.back();
    fs::resize_file(seg, cut);
    const int intact = static_cast<int>(std::upper_bound(batch_ends.begin(), batch_ends.end(), cut) - batch_ends.begin());
    auto log = open_log(dir.path());
    EXPECT_EQ(read_all(*log, "t", 0).values, numbered(0, intact * 10)) << "cut at " << cut;
    // Appends continue right after the last intact batch.
    auto next = append_numbered(*log, "t", 0, intact * 10, 1);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->first_offset, intact * 10);
  }
}

TEST(EmbeddedLog, GarbledBytesAnywhereLoseOnlyTheBatchesTheyHit) {
  std::mt19937 rng(777);
  for (int round = 0; round < 25; ++round) {
    TempDir dir;
    const std::string seg = dir.path() + "/log/t/0/" + Segment::log_name(0);
    const auto batch_ends = write_twenty_batches(dir.path(), [] { return size_t{30}; });
    const uintmax_t at = rng() % batch_ends.back();
    {
      std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(at));
      f.put(static_cast<char>(rng() | 1) ^ 0x7F);
    }
    const int hit = static_cast<int>(std::upper_bound(batch_ends.begin(), batch_ends.end(), at) - batch_ends.begin());
    std::vector<std::string> expected;
    for (int b = 0; b < 20; ++b) {
      if (b == hit) continue;
      auto part = numbered(b * 10, b * 10 + 10);
      expected.insert(expected.end(), part.begin(), part.end());
    }
    auto log = open_log(dir.path());
    auto all = read_all(*log, "t", 0);
    EXPECT_EQ(all.values, expected) << "garbled byte " << at << " in batch " << hit;
    auto topics = log->topics();
    ASSERT_TRUE(topics.is_ok());
    if (hit != 19) {
      EXPECT_EQ((*topics)[0].partitions[0].corrupt_batches, 1u);
    }
  }
}

TEST(EmbeddedLog, CorruptionFoundByAReaderIsSkippedAndCounted) {
  TempDir dir;
  auto log = open_log(dir.path());
  ASSERT_TRUE(log->ensure_topic(topic("t")).is_ok());
  const std::string seg = dir.path() + "/log/t/0/" + Segment::log_name(0);
  ASSERT_TRUE(append_numbered(*log, "t", 0, 0, 10));
  const auto first_end = fs::file_size(seg);
  ASSERT_TRUE(append_numbered(*log, "t", 0, 10, 10));
  ASSERT_TRUE(append_numbered(*log, "t", 0, 20, 10));
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(first_end + 60));
    f.put('#');
  }
  auto all = read_all(*log, "t", 0);
  std::vector<std::string> expected = numbered(0, 10);
  auto tail = numbered(20, 30);
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(all.values, expected);
  EXPECT_EQ(all.skipped, 1u);
  EXPECT_GE((*log->topics())[0].partitions[0].corrupt_batches, 1u);
}

TEST(EmbeddedLog, GroupCommitGivesEveryConcurrentAppendUniqueDurableOffsets) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.durability = Durability::kAlways;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  constexpr int kThreads = 8, kAppends = 50;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<int64_t> offsets;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        auto r = append_numbered(*log, "t", 0, (t * kAppends + i) * 2, 2);
        ASSERT_TRUE(r.is_ok());
        std::lock_guard lock(mutex);
        offsets.insert(r->first_offset);
        offsets.insert(r->last_offset);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(offsets.size(), size_t(kThreads * kAppends * 2));
  EXPECT_EQ(*offsets.rbegin(), kThreads * kAppends * 2 - 1);
  EXPECT_EQ(read_all(*log, "t", 0).values.size(), size_t(kThreads * kAppends * 2));
}

TEST(EmbeddedLog, AReaderUnderGroupCommitAndRollsNeverSkipsARecord) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.durability = Durability::kAlways;
  c.segment_bytes = 1500;  // rolls all the time, racing with fsyncs and reads
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  constexpr int kThreads = 4, kAppends = 100, kPerAppend = 5;
  constexpr int64_t kTotal = kThreads * kAppends * kPerAppend;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, (t * kAppends + i) * kPerAppend, kPerAppend));
    });
  }
  // Failures are recorded, not asserted, so the writer threads are always joined.
  int64_t expected = 0;
  std::string problem;
  for (int guard = 0; guard < 1'000'000 && expected < kTotal && problem.empty(); ++guard) {
    auto r = log->read("t", 0, expected, 4096, 1000);
    if (!r) {
      problem = r.status().message();
      break;
    }
    for (const auto& rec : r->records) {
      if (rec.offset != expected) problem = "record " + std::to_string(rec.offset) + " where " + std::to_string(expected) + " was due";
      ++expected;
    }
    if (problem.empty() && r->next_offset != expected) {
      problem = "next_offset " + std::to_string(r->next_offset) + " jumps past unread record " + std::to_string(expected);
    }
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(problem, "");
  EXPECT_EQ(expected, kTotal);
}

TEST(EmbeddedLog, CommittedOffsetsPersistAndDefaultToTheStart) {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    ASSERT_TRUE(log->ensure_topic(topic("t", 2)).is_ok());
    ASSERT_TRUE(append_numbered(*log, "t", 0, 0, 10));
    EXPECT_EQ(*log->committed("pipeline", "t", 0), 0);
    std::vector<std::pair<int32_t, int64_t>> offsets{{0, 6}};
    ASSERT_TRUE(log->commit("pipeline", "t", offsets).is_ok());
    std::vector<std::pair<int32_t, int64_t>> too_far{{0, 11}};
    EXPECT_FALSE(log->commit("pipeline", "t", too_far).is_ok());
  }
  auto log = open_log(dir.path());
  EXPECT_EQ(*log->committed("pipeline", "t", 0), 6);
  EXPECT_EQ(*log->committed("pipeline", "t", 1), 0);
  EXPECT_EQ(*log->committed("other", "t", 0), 0);
  auto groups = log->group_offsets("");
  ASSERT_TRUE(groups.is_ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].lag(), 4);
}

TEST(EmbeddedLog, OffsetCommitIsAtomicAgainstALeftoverTempFile) {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    ASSERT_TRUE(log->ensure_topic(topic("t")).is_ok());
    ASSERT_TRUE(append_numbered(*log, "t", 0, 0, 10));
    std::vector<std::pair<int32_t, int64_t>> offsets{{0, 4}};
    ASSERT_TRUE(log->commit("g", "t", offsets).is_ok());
  }
  // A crash between writing the temp file and renaming it leaves the old commit intact.
  { std::ofstream(dir.path() + "/log/_groups/g.offsets.tmp") << "sluice-offsets 1\nt 0 9\n"; }
  auto log = open_log(dir.path());
  EXPECT_EQ(*log->committed("g", "t", 0), 4);
  EXPECT_FALSE(fs::exists(dir.path() + "/log/_groups/g.offsets.tmp"));
}

TEST(EmbeddedLog, CorruptOffsetsFileIsAClearError) {
  TempDir dir;
  fs::create_directories(dir.path() + "/log/_groups");
  { std::ofstream(dir.path() + "/log/_groups/g.offsets") << "sluice-offsets 1\nt zero 9\n"; }
  EmbeddedLogOptions options;
  options.dir = dir.path() + "/log";
  auto log = EmbeddedLog::open(options);
  ASSERT_FALSE(log.is_ok());
  EXPECT_NE(log.status().message().find("g.offsets:2"), std::string::npos) << log.status().message();
}

TEST(EmbeddedLog, RetentionBySizeNeverDeletesUncommittedRecords) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.segment_bytes = 1000;
  c.retention_bytes = 3000;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 5, 5, 30));
  std::vector<std::pair<int32_t, int64_t>> offsets{{0, 0}};
  ASSERT_TRUE(log->commit("g", "t", offsets).is_ok());
  ASSERT_TRUE(log->apply_retention().is_ok());
  EXPECT_EQ((*log->topics())[0].partitions[0].start_offset, 0) << "nothing committed, nothing deleted";

  offsets = {{0, 150}};
  ASSERT_TRUE(log->commit("g", "t", offsets).is_ok());
  ASSERT_TRUE(log->apply_retention().is_ok());
  auto info = (*log->topics())[0].partitions[0];
  EXPECT_GT(info.start_offset, 0);
  EXPECT_LE(info.start_offset, 150) << "records the group has not committed stay";
  auto all = read_all(*log, "t", 0);
  EXPECT_EQ(all.offsets.front(), info.start_offset);
  EXPECT_EQ(all.offsets.back(), 249);
}

TEST(EmbeddedLog, PageCacheIsReleasedOnlyForWhatEveryGroupCommitted) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.segment_bytes = 1000;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 5, 5, 30));
  EXPECT_EQ(log->release_consumed_cache(), 0) << "no group reads the topic: nothing is consumed";

  // Segment files by base offset; the bytes of those a group at `committed` read to their end.
  std::vector<std::pair<int64_t, int64_t>> segments;  // base offset, bytes
  for (const auto& f : segment_files(dir.path() + "/log/t/0")) {
    segments.emplace_back(std::stoll(fs::path(f).stem().string()),
                          static_cast<int64_t>(fs::file_size(f)));
  }
  ASSERT_GE(segments.size(), 5u);
  auto bytes_read_through = [&](int64_t committed) {
    int64_t n = 0;
    for (size_t i = 0; i + 1 < segments.size() && segments[i + 1].first <= committed; ++i)
      n += segments[i].second;
    return n;
  };
  int64_t total = 0;
  for (const auto& seg : segments) total += seg.second;

  std::vector<std::pair<int32_t, int64_t>> offsets{{0, 150}};
  ASSERT_TRUE(log->commit("ahead", "t", offsets).is_ok());
  offsets = {{0, 60}};
  ASSERT_TRUE(log->commit("behind", "t", offsets).is_ok());
  // Segments of 1000 bytes have one index entry (their first batch), so the segment
  // holding offset 60 keeps all of its pages; only the whole ones before it go.
  const int64_t first = log->release_consumed_cache();
  EXPECT_EQ(first, bytes_read_through(60));
  EXPECT_GT(first, 0);
  EXPECT_LT(first, bytes_read_through(150)) << "the group further behind decides";
  EXPECT_EQ(log->release_consumed_cache(), 0) << "nothing new to release";

  offsets = {{0, 250}};
  ASSERT_TRUE(log->commit("behind", "t", offsets).is_ok());
  ASSERT_TRUE(log->commit("ahead", "t", offsets).is_ok());
  EXPECT_EQ(log->release_consumed_cache(), total - first)
      << "everything committed, the active segment too";
  EXPECT_EQ(read_all(*log, "t", 0).values, numbered(0, 250))
      << "released pages are read from the disk again";
}

TEST(EmbeddedLog, RetentionMayDeleteUncommittedWhenTold) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.segment_bytes = 1000;
  c.retention_bytes = 3000;
  c.retention_deletes_uncommitted = true;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 5, 5, 30));
  ASSERT_TRUE(log->apply_retention().is_ok());
  auto info = (*log->topics())[0].partitions[0];
  EXPECT_LE(info.bytes, 3000 + 1000);
  EXPECT_GT(info.start_offset, 150);
  // A reader behind the start continues at the start.
  auto r = log->read("t", 0, 0, 100, 0);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->records.front().offset, info.start_offset);
}

TEST(EmbeddedLog, RetentionByAgeRemovesOldSegments) {
  TempDir dir;
  auto log = open_log(dir.path());
  TopicConfig c = topic("t");
  c.segment_bytes = 500;
  c.retention_age_us = 1;  // everything already written is old
  c.retention_deletes_uncommitted = true;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 5, 5, 30));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(log->apply_retention().is_ok());
  auto info = (*log->topics())[0].partitions[0];
  EXPECT_EQ(info.segments, 1) << "only the active segment stays";
}

TEST(EmbeddedLog, DiskLimitRefusesAppendsUntilSpaceIsFreed) {
  TempDir dir;
  EmbeddedLogOptions options;
  options.disk_limit_bytes = 5000;
  auto log = open_log(dir.path(), options);
  TopicConfig c = topic("t");
  c.segment_bytes = 1000;
  c.retention_bytes = 2000;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  int accepted = 0;
  Status refused;
  for (int i = 0; i < 100 && refused.is_ok(); ++i) {
    auto r = append_numbered(*log, "t", 0, i * 5, 5, 30);
    if (r) ++accepted;
    else refused = r.status();
  }
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("disk usage limit"), std::string::npos) << refused.message();
  EXPECT_EQ(read_all(*log, "t", 0).values.size(), size_t(accepted * 5)) << "a refused append stores nothing";
  std::vector<std::pair<int32_t, int64_t>> offsets{{0, accepted * 5}};
  ASSERT_TRUE(log->commit("g", "t", offsets).is_ok());
  ASSERT_TRUE(log->apply_retention().is_ok());
  EXPECT_TRUE(append_numbered(*log, "t", 0, accepted * 5, 5, 30).is_ok());
}

TEST(EmbeddedLog, BacklogLimitRefusesAppendsUntilConsumersCommit) {
  TempDir dir;
  EmbeddedLogOptions options;
  options.backlog_limit_records = 100;
  auto log = open_log(dir.path(), options);
  ASSERT_TRUE(log->ensure_topic(topic("t")).is_ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(append_numbered(*log, "t", 0, i * 10, 10));
  auto refused = append_numbered(*log, "t", 0, 100, 1);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("backlog limit"), std::string::npos);
  std::vector<std::pair<int32_t, int64_t>> offsets{{0, 50}};
  ASSERT_TRUE(log->commit("g", "t", offsets).is_ok());
  EXPECT_TRUE(append_numbered(*log, "t", 0, 100, 10).is_ok());
}

TEST(EmbeddedLog, EncryptedTopicNeedsItsKeyToBeRead) {
  TempDir dir;
  const std::string hex(64, 'e');
  {
    EmbeddedLogOptions options;
    ASSERT_TRUE(options.keys.load_text_list("k1:" + hex, "test").is_ok());
    auto log = open_log(dir.path(), options);
    TopicConfig c = topic("secret");
    c.encryption_key = "k1";
    c.codec = Codec::kZstd;
    ASSERT_TRUE(log->ensure_topic(c).is_ok());
    ASSERT_TRUE(append_numbered(*log, "secret", 0, 0, 10));
    EXPECT_EQ(read_all(*log, "secret", 0).values, numbered(0, 10));
  }
  auto log = open_log(dir.path());  // no keys
  auto r = log->read("secret", 0, 0, 1 << 20, 0);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("key \"k1\""), std::string::npos) << r.status().message();

  EmbeddedLogOptions wrong;
  ASSERT_TRUE(wrong.keys.load_text_list("k1:" + std::string(64, 'f'), "test").is_ok());
  log.reset();
  auto log2 = open_log(dir.path(), wrong);
  auto r2 = log2->read("secret", 0, 0, 1 << 20, 0);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("wrong key"), std::string::npos) << r2.status().message();
}

TEST(EmbeddedLog, KeyFileReadableByOthersIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/keys";
  { std::ofstream(path) << "# log keys\nk1 " << std::string(64, 'a') << "\n"; }
  ::chmod(path.c_str(), 0644);
  KeyRing keys;
  Status s = keys.load_file(path);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("chmod 600"), std::string::npos) << s.message();
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(keys.load_file(path).is_ok());
  EXPECT_NE(keys.find("k1"), nullptr);
}

}  // namespace
}  // namespace sluice::log

namespace sluice::log {
namespace {

TEST(EmbeddedLog, ASecondWriterOfTheSameLogIsRefused) {
  sluice::testing::TempDir dir;
  auto log = testing::open_log(dir.path());
  EmbeddedLogOptions options;
  options.dir = dir.path() + "/log";
  auto second = EmbeddedLog::open(options);
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("another sluice process"), std::string::npos) << second.status().message();
}

TEST(EmbeddedLog, ReadOnlyOpenReadsWithoutTouchingATornTail) {
  sluice::testing::TempDir dir;
  const std::string seg = dir.path() + "/log/t/0/" + Segment::log_name(0);
  {
    auto log = testing::open_log(dir.path());
    ASSERT_TRUE(log->ensure_topic(testing::topic("t")).is_ok());
    ASSERT_TRUE(testing::append_numbered(*log, "t", 0, 0, 10));
  }
  std::filesystem::resize_file(seg, std::filesystem::file_size(seg) + 7);  // garbage past the last batch
  const auto size = std::filesystem::file_size(seg);
  auto writer = testing::open_log(dir.path() + "/other");  // holds another log's lock, not this one
  EmbeddedLogOptions options;
  options.dir = dir.path() + "/log";
  options.read_only = true;
  auto reader = EmbeddedLog::open(options);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  EXPECT_EQ(testing::read_all(**reader, "t", 0).values.size(), 10u);
  EXPECT_EQ(std::filesystem::file_size(seg), size) << "read-only must not truncate";
  std::vector<std::pair<int32_t, int64_t>> offsets{{0, 1}};
  EXPECT_FALSE((*reader)->commit("g", "t", offsets).is_ok());
}

}  // namespace
}  // namespace sluice::log

#include "runtime/commit_tracker.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <map>
#include <set>

#include "log/embedded_log.h"
#include "runtime/topic_reader.h"
#include "runtime/topic_writer.h"
#include "support/embedded_topic_log.h"
#include "support/temp_dir.h"

namespace sluice::runtime {
namespace {

Batch events_with_service(const std::vector<std::string>& services) {
  Batch batch;
  const FieldId service = FieldNames::intern("service");
  for (const std::string& s : services) {
    ObjectBuilder b(batch.arena());
    b.set(service, Value::string(batch.arena().copy_string(s)));
    batch.events.push_back(Event{b.finish(), 1000});
  }
  return batch;
}

TEST(CommitTracker, CommitsOnlyWhatEverySinkMadeDurable) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 1);
  TopicWriter writer(*log, "t", 1, {});
  Batch batch = events_with_service({"a", "b", "c", "d"});
  ASSERT_TRUE(writer.append(batch).is_ok());

  uint64_t given[2] = {0, 0}, durable[2] = {0, 0};
  CommitTracker tracker(
      *log, "g", 2, [&](size_t i) { return given[i]; }, [&](size_t i) { return durable[i]; });
  // Batch 1 (offsets 0-1) goes to both sinks, batch 2 (offsets 2-3) only to sink 0.
  given[0] = given[1] = 1;
  tracker.routed("t", 0, 2);
  given[0] = 2;
  tracker.routed("t", 0, 4);

  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 0) << "no sink is durable yet";
  durable[0] = 2;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 0) << "sink 1 still holds batch 1 undurably";
  durable[1] = 1;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 4);
}

// A log whose group coordinator answers the first `failures` lookups of a commit with
// "unavailable"; everything else goes to `inner`.
class CoordinatorOutOfReach final : public log::Log {
 public:
  CoordinatorOutOfReach(log::Log& inner, int failures) : inner_(inner), failures_(failures) {}
  Status ensure_topic(const log::TopicConfig& c) override { return inner_.ensure_topic(c); }
  Result<log::AppendResult> append(const std::string& t, int32_t p,
                                   std::span<const log::Record> r) override {
    return inner_.append(t, p, r);
  }
  Result<log::ReadResult> read(const std::string& t, int32_t p, int64_t o, size_t b,
                               int64_t w) override {
    return inner_.read(t, p, o, b, w);
  }
  Status commit(const std::string& g, const std::string& t,
                std::span<const std::pair<int32_t, int64_t>> o) override {
    return inner_.commit(g, t, o);
  }
  Result<int64_t> committed(const std::string& g, const std::string& t, int32_t p) override {
    ++lookups;
    if (failures_-- > 0) return Status::unavailable("coordinator loading");
    return inner_.committed(g, t, p);
  }
  Result<std::unique_ptr<log::GroupMembership>> join(const std::string& g,
                                                     const std::vector<std::string>& t,
                                                     log::GroupListener& l) override {
    return inner_.join(g, t, l);
  }
  Result<std::vector<log::TopicInfo>> topics() override { return inner_.topics(); }
  Result<std::vector<log::GroupOffset>> group_offsets(const std::string& g) override {
    return inner_.group_offsets(g);
  }
  Status close() override { return inner_.close(); }
  int lookups = 0;

 private:
  log::Log& inner_;
  int failures_;
};

TEST(CommitTracker, ACommitWhoseLastCommitCannotBeLookedUpWaitsRatherThanRecordAGuess) {
  testing::TempDir dir;
  auto embedded = testing::open_log_with_topic(dir.path(), 3);
  const std::vector<log::Record> ten(10, log::Record{1000, "", "{}"});
  for (int32_t p = 0; p < 3; ++p) ASSERT_TRUE(embedded->append("t", p, ten).is_ok());
  const std::vector<std::pair<int32_t, int64_t>> earlier = {{0, 2}, {1, 7}, {2, 1}};
  ASSERT_TRUE(embedded->commit("g", "t", earlier).is_ok());  // by an earlier run
  CoordinatorOutOfReach log(*embedded, 1);
  uint64_t given = 1, durable = 1;
  CommitTracker tracker(
      log, "g", 1, [&](size_t) { return given; }, [&](size_t) { return durable; });
  std::vector<CommitTracker::CommittedRange> ranges;
  tracker.on_commit([&](const std::vector<CommitTracker::CommittedRange>& moved) {
    ranges.insert(ranges.end(), moved.begin(), moved.end());
  });
  tracker.routed("t", 0, 5);
  tracker.routed("t", 1, 9);
  tracker.routed("t", 2, 3);
  const Status first = tracker.commit_durable();
  EXPECT_EQ(first.code(), StatusCode::kUnavailable);
  // One lookup failed: the others are not asked in that round (each could wait as long).
  EXPECT_EQ(log.lookups, 1);
  EXPECT_EQ(*embedded->committed("g", "t", 0), 2);
  EXPECT_EQ(*embedded->committed("g", "t", 1), 7);
  EXPECT_EQ(*embedded->committed("g", "t", 2), 1);
  EXPECT_TRUE(ranges.empty());
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*embedded->committed("g", "t", 0), 5);
  EXPECT_EQ(*embedded->committed("g", "t", 1), 9);
  EXPECT_EQ(*embedded->committed("g", "t", 2), 3);
  ASSERT_EQ(ranges.size(), 3u);
  for (const auto& r : ranges) {
    SCOPED_TRACE(r.partition);
    EXPECT_EQ(r.first_offset, earlier[r.partition].second);  // from the real last commit, not 0
    EXPECT_EQ(r.next_offset, (std::array<int64_t, 3>{5, 9, 3})[r.partition]);
  }
}

TEST(CommitTracker, GatedOnCheckpointsCommitsOnlyTheNewestCheckpointEverySinkHoldsAfterSavingIt) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 1);
  TopicWriter writer(*log, "t", 1, {});
  Batch batch = events_with_service({"a", "b", "c", "d", "e", "f"});
  ASSERT_TRUE(writer.append(batch).is_ok());
  CheckpointStore store(dir.path(), "g");
  uint64_t given = 0, durable = 0;
  CommitTracker tracker(
      *log, "g", 1, [&](size_t) { return given; }, [&](size_t) { return durable; });
  tracker.gate_on_checkpoints(&store);

  given = 1;
  tracker.routed("t", 0, 2);
  durable = 1;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 0)
      << "routed alone commits nothing: the window state is not saved";

  auto cut = [](uint64_t sequence, int64_t offset) {
    Checkpoint c;
    c.sequence = sequence;
    c.offsets["t"][0] = offset;
    c.states["w"] = "state-" + std::to_string(sequence);
    return c;
  };
  tracker.checkpoint(cut(1, 2));
  given = 2;
  tracker.checkpoint(cut(2, 4));
  given = 3;
  tracker.checkpoint(cut(3, 6));
  durable = 2;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 4)
      << "the newest cut the sink holds; cut 3 waits for batch 3";
  auto saved = store.load();
  ASSERT_TRUE(saved.is_ok() && saved->has_value());
  EXPECT_EQ((*saved)->sequence, 2u);
  EXPECT_EQ((*saved)->states.at("w"), "state-2");
  durable = 3;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 6);
  EXPECT_EQ((*store.load())->sequence, 3u);
}

// A group membership whose trust the test sets.
class DoubtedMembership final : public log::GroupMembership {
 public:
  bool trusted() const override { return trusted_.load(); }
  std::atomic<bool> trusted_{false};
};

TEST(CommitTracker, OffsetsAndCheckpointsWaitWhileTheMembershipIsInDoubt) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 1);
  TopicWriter writer(*log, "t", 1, {});
  Batch batch = events_with_service({"a", "b"});
  ASSERT_TRUE(writer.append(batch).is_ok());
  CheckpointStore store(dir.path(), "g");
  uint64_t given = 0, durable = 0;
  CommitTracker tracker(
      *log, "g", 1, [&](size_t) { return given; }, [&](size_t) { return durable; });
  // Gated on checkpoints: the save and the commit after it both wait.
  tracker.gate_on_checkpoints(&store);
  DoubtedMembership membership;
  tracker.only_while_trusted(&membership);
  Checkpoint cut;
  cut.sequence = 1;
  cut.offsets["t"][0] = 2;
  cut.states["w"] = "state-1";
  given = 1;
  tracker.checkpoint(cut);
  durable = 1;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 0) << "in doubt: no offset committed";
  auto none = store.load();
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->has_value()) << "in doubt: no checkpoint saved";
  membership.trusted_ = true;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 2) << "what waited is committed once trusted";
  auto saved = store.load();
  ASSERT_TRUE(saved.is_ok() && saved->has_value());
  EXPECT_EQ((*saved)->states.at("w"), "state-1");
}

TEST(CommitTracker, CheckpointsWaitingForASinkThatHoldsOutputAreBounded) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 1);
  TopicWriter writer(*log, "t", 1, {});
  std::vector<std::string> services(100, "s");
  Batch batch = events_with_service(services);
  ASSERT_TRUE(writer.append(batch).is_ok());
  CheckpointStore store(dir.path(), "g");
  uint64_t given = 0, durable = 0;
  CommitTracker tracker(
      *log, "g", 1, [&](size_t) { return given; }, [&](size_t) { return durable; });
  tracker.gate_on_checkpoints(&store);
  // A lake holding its files: 50 commit intervals, one cut each, nothing durable.
  for (uint64_t i = 1; i <= 50; ++i) {
    given = i;
    Checkpoint c;
    c.sequence = i;
    c.offsets["t"][0] = static_cast<int64_t>(i);
    c.states["w"] = std::string(1000, 'x');
    tracker.checkpoint(std::move(c));
    ASSERT_TRUE(tracker.commit_durable().is_ok());
    EXPECT_LE(tracker.pending_cuts(), CommitTracker::kMaxPendingCuts);
  }
  // The file closes: everything is durable, and the newest cut is the one committed.
  durable = 50;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 50);
  EXPECT_EQ((*store.load())->sequence, 50u);
  EXPECT_EQ(tracker.pending_cuts(), 0u);
}

TEST(TopicReader, SplitAtKeepsBatchesOnOneSideOfTheOffset) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 1);
  TopicWriter writer(*log, "t", 1, {});
  std::vector<std::string> services(50, "s");
  Batch batch = events_with_service(services);
  ASSERT_TRUE(writer.append(batch).is_ok());
  observe::ComponentStats stats("t", ComponentKind::kSource, "generator");
  TopicReader reader(*log, "t", 1, "src", 1 << 20, stats);
  reader.split_at(0, 17);
  auto first = reader.next(0);
  ASSERT_TRUE(first.is_ok() && first->has_value());
  EXPECT_EQ((*first)->origin.first_offset, 0);
  EXPECT_EQ((*first)->origin.last_offset, 16);
  EXPECT_EQ((*first)->size(), 17u);
  auto second = reader.next(0);
  ASSERT_TRUE(second.is_ok() && second->has_value());
  EXPECT_EQ((*second)->origin.first_offset, 17);
  EXPECT_EQ((*second)->origin.last_offset, 49);
}

TEST(TopicWriter, EqualKeysLandInOnePartitionAndEveryEventIsStored) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 4);
  TopicWriter writer(*log, "t", 4, {FieldPath::parse("service").value()});
  std::vector<std::string> services;
  for (int i = 0; i < 400; ++i) services.push_back("svc-" + std::to_string(i % 20));
  Batch batch = events_with_service(services);
  ASSERT_TRUE(writer.append(batch).is_ok());
  std::map<std::string, std::set<int32_t>> partitions_of;
  int64_t total = 0;
  for (int32_t p = 0; p < 4; ++p) {
    auto read = log->read("t", p, 0, 1 << 20, 0);
    ASSERT_TRUE(read.is_ok());
    total += static_cast<int64_t>(read->records.size());
    for (const auto& r : read->records) partitions_of[std::string(r.key)].insert(p);
  }
  EXPECT_EQ(total, 400);
  EXPECT_EQ(partitions_of.size(), 20u);
  for (const auto& [key, parts] : partitions_of) EXPECT_EQ(parts.size(), 1u);
  // The key hash is stable: the same key bytes always pick the same partition.
  EXPECT_EQ(partition_for_key("abc", 7), partition_for_key("abc", 7));
}

TEST(TopicWriter, WithoutKeyFieldsBatchesTakeTurnsOverPartitions) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 3);
  TopicWriter writer(*log, "t", 3, {});
  for (int i = 0; i < 6; ++i) {
    Batch batch = events_with_service({"x", "y"});
    ASSERT_TRUE(writer.append(batch).is_ok());
  }
  for (int32_t p = 0; p < 3; ++p) {
    auto read = log->read("t", p, 0, 1 << 20, 0);
    ASSERT_TRUE(read.is_ok());
    EXPECT_EQ(read->records.size(), 4u) << "partition " << p;
  }
}

}  // namespace
}  // namespace sluice::runtime

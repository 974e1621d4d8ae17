// Partitions changing hands between instances: the read gate, a reader that reads
// only its share, the commit tracker forgetting what it let go, the handover that
// commits before letting go, and a lost share that is let go without committing.
#include "runtime/partition_handover.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/time.h"
#include "log/embedded_log.h"
#include "runtime/topic_reader.h"
#include "runtime/topic_writer.h"
#include "support/embedded_topic_log.h"
#include "support/temp_dir.h"

namespace sluice::runtime {
namespace {

// `per_partition` events in each partition of "t" (round-robin appends of one event).
void fill(log::EmbeddedLog& log, int32_t partitions, int per_partition) {
  TopicWriter writer(log, "t", partitions, {});
  const FieldId n = FieldNames::intern("n");
  for (int i = 0; i < partitions * per_partition; ++i) {
    Batch batch;
    ObjectBuilder b(batch.arena());
    b.set(n, Value::integer(i));
    batch.events.push_back(Event{b.finish(), 1000});
    ASSERT_TRUE(writer.append(batch).is_ok());
  }
}

// A sink whose writes become durable only when the test says so.
class HeldSink final : public sink::Sink {
 public:
  explicit HeldSink(std::atomic<bool>& release) : release_(release) {}
  Status write(const Batch&) override {
    ++held_;
    return Status::ok();
  }
  Status flush() override {
    if (release_.load()) held_ = 0;
    return Status::ok();
  }
  uint64_t held_batches() const override { return held_; }

 private:
  std::atomic<bool>& release_;
  uint64_t held_ = 0;
};

// Two partitions of 30 events in "t" and a commit tracker of one sink whose given
// and durable batch counts the test sets.
struct OneSinkTracker {
  OneSinkTracker() { fill(*log, 2, 30); }
  testing::TempDir dir;
  std::unique_ptr<log::EmbeddedLog> log = testing::open_log_with_topic(dir.path(), 2);
  uint64_t given = 0, durable = 0;
  CommitTracker tracker{*log, "g", 1, [this](size_t) { return given; },
                        [this](size_t) { return durable; }};
};

TEST(CommitTracker, ForgetsWhatWasRoutedFromPartitionsItLetGo) {
  OneSinkTracker t;
  t.given = 1;
  t.tracker.routed("t", 0, 10);
  t.given = 2;
  t.tracker.routed("t", 1, 7);
  t.tracker.forget({{"t", 1}});
  t.durable = 2;
  ASSERT_TRUE(t.tracker.commit_durable().is_ok());
  EXPECT_EQ(*t.log->committed("g", "t", 0), 10);
  EXPECT_EQ(*t.log->committed("g", "t", 1), 0) << "partition 1 went to another instance";
}

TEST(TopicReader, ReadsOnlyThePartitionsItOwnsFromTheGroupsCommit) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 3);
  fill(*log, 3, 20);
  const std::pair<int32_t, int64_t> commit[] = {{1, 5}};
  ASSERT_TRUE(log->commit("g", "t", commit).is_ok());
  observe::ComponentStats stats("t", ComponentKind::kSource, "generator");
  TopicReader reader(*log, "t", 3, "src", 1 << 20, stats);
  ASSERT_TRUE(reader.own({1}, "g").is_ok());
  auto batch = reader.next(0);
  ASSERT_TRUE(batch.is_ok() && batch->has_value());
  EXPECT_EQ((*batch)->origin.partition, 1);
  EXPECT_EQ((*batch)->origin.first_offset, 5);
  EXPECT_EQ((*batch)->origin.last_offset, 19);
  auto nothing = reader.next(0);
  ASSERT_TRUE(nothing.is_ok());
  EXPECT_FALSE(nothing->has_value()) << "partitions 0 and 2 belong to another instance";
  EXPECT_TRUE(reader.reached({20, 20, 20})) << "reached is about its own partitions";
  EXPECT_FALSE(reader.own({3}, "g").is_ok()) << "a partition the topic does not have";
}

TEST(ReadGate, ReadersParkWhileClosedAndLearnTheirShareWhenItOpens) {
  ReadGate gate;
  std::atomic<bool> stopping{false};
  std::atomic<int> passes{0};
  std::vector<int32_t> learned;
  gate.enter();
  std::thread reader([&] {
    uint64_t seen = 0;
    while (!stopping.load()) {
      if (auto share = gate.pass("t", &seen, stopping)) learned = *share;
      passes.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    gate.leave();
  });
  // Closed until the first assignment: the reader parks at once.
  EXPECT_TRUE(gate.wait_parked(steady_now_us() + 5'000'000));
  EXPECT_EQ(passes.load(), 0);
  EXPECT_EQ(gate.owned("t"), 0u);
  gate.open({{"t", 0}, {"t", 2}, {"other", 1}});
  while (passes.load() < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(gate.owned("t"), 2u);
  gate.close();
  EXPECT_TRUE(gate.wait_parked(steady_now_us() + 5'000'000));
  const int parked_at = passes.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(passes.load(), parked_at) << "a parked reader reads nothing";
  stopping = true;
  reader.join();
  EXPECT_EQ(learned, (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(gate.assignments(), 1u);
}

TEST(PartitionHandover, CommitsWhatSinksMadeDurableBeforeLettingGo) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 2);
  fill(*log, 2, 30);
  std::atomic<bool> release{true};
  observe::ComponentStats stats("out", ComponentKind::kSink, "held");
  SinkRunner sink("out", std::make_unique<HeldSink>(release), stats, 16, 20'000);
  sink.start();
  CommitTracker tracker(
      *log, "g", 1, [&](size_t) { return sink.given(); }, [&](size_t) { return sink.durable(); });
  ReadGate gate;
  std::atomic<bool> stopping{false};
  HandoverHooks hooks;
  hooks.routed_all = [](int64_t) { return true; };
  PartitionHandover handover(gate, tracker, {&sink}, hooks, 2'000'000, stopping);
  handover.assigned({{"t", 0}, {"t", 1}});

  auto batch = std::make_shared<const Batch>();
  ASSERT_TRUE(sink.push(batch));
  tracker.routed("t", 0, 12);
  handover.revoked({{"t", 0}, {"t", 1}});
  EXPECT_EQ(*log->committed("g", "t", 0), 12) << "committed before the partitions went";
  EXPECT_EQ(handover.handovers(), 1u);
  EXPECT_EQ(handover.incomplete_handovers(), 0u);
  EXPECT_EQ(gate.owned("t"), 0u);

  // A sink that cannot make its part durable in time: nothing more is committed, and the
  // tracker forgets the partition, so this instance never commits it after letting it go.
  PartitionHandover quick(gate, tracker, {&sink}, hooks, 100'000, stopping);
  quick.assigned({{"t", 1}});
  release = false;
  ASSERT_TRUE(sink.push(batch));
  tracker.routed("t", 1, 30);
  quick.revoked({{"t", 1}});
  EXPECT_EQ(quick.incomplete_handovers(), 1u);
  release = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 1), 0) << "the next owner reads partition 1 again";
  ASSERT_TRUE(sink.close_and_join(steady_now_us() + 1'000'000).is_ok());
}

TEST(PartitionHandover, HooksTurnTheAssignmentIntoWhatToReadAndRunOnceReadingStopped) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 3);
  CommitTracker tracker(
      *log, "g", 0, [](size_t) { return 0; }, [](size_t) { return 0; });
  ReadGate gate;
  std::atomic<bool> stopping{false};
  int quiet = 0;
  Status failure;
  HandoverHooks hooks;
  hooks.routed_all = [](int64_t) { return true; };
  // As active/standby does: holding the lock partition means reading all three.
  hooks.to_read = [](const std::vector<log::TopicPartition>& assigned)
      -> Result<std::vector<log::TopicPartition>> {
    if (assigned.empty()) return std::vector<log::TopicPartition>();
    if (assigned.front().topic == "broken") return Status::corruption("no checkpoint");
    return std::vector<log::TopicPartition>{{"t", 0}, {"t", 1}, {"t", 2}};
  };
  hooks.quiet = [&](int64_t) { ++quiet; };
  hooks.failed = [&](const Status& s) { failure = s; };
  PartitionHandover handover(gate, tracker, {}, hooks, 1'000'000, stopping);
  handover.assigned({});
  EXPECT_EQ(gate.owned("t"), 0u) << "standing by";
  handover.revoked({});
  EXPECT_EQ(quiet, 0) << "nothing was read, nothing to hand over";
  EXPECT_EQ(handover.handovers(), 0u);
  handover.assigned({{"lock", 0}});
  EXPECT_EQ(gate.owned("t"), 3u);
  handover.revoked({{"lock", 0}});
  EXPECT_EQ(quiet, 1);
  EXPECT_EQ(handover.handovers(), 1u);
  handover.assigned({{"broken", 0}});
  EXPECT_EQ(failure.code(), StatusCode::kCorruption);
  EXPECT_EQ(gate.owned("t"), 0u) << "a failed takeover reads nothing";
}

TEST(PartitionHandover, ALostShareIsLetGoWithoutACommitOrALastCheckpoint) {
  OneSinkTracker t;
  ReadGate gate;
  std::atomic<bool> stopping{false};
  int quiet = 0, abandoned = 0;
  HandoverHooks hooks;
  hooks.routed_all = [](int64_t) { return true; };
  hooks.quiet = [&](int64_t) { ++quiet; };
  hooks.abandon = [&](int64_t) { ++abandoned; };
  PartitionHandover handover(gate, t.tracker, {}, hooks, 1'000'000, stopping);
  handover.assigned({{"t", 0}, {"t", 1}});
  t.given = 1;
  t.tracker.routed("t", 0, 12);
  t.durable = 1;  // durable, not committed yet when the share is lost
  const uint64_t let_go_before = gate.let_go_count();
  handover.lost({{"t", 0}, {"t", 1}});
  EXPECT_EQ(*t.log->committed("g", "t", 0), 0) << "another instance reads it from the last commit";
  EXPECT_EQ(quiet, 0) << "no last checkpoint of a lost share";
  EXPECT_EQ(abandoned, 1);
  EXPECT_EQ(gate.owned("t"), 0u);
  EXPECT_EQ(gate.let_go_count(), let_go_before + 1) << "batches read before it are not routed";
  EXPECT_EQ(handover.lost_shares(), 1u);
  EXPECT_EQ(handover.handovers(), 0u);
  ASSERT_TRUE(t.tracker.commit_durable().is_ok());
  EXPECT_EQ(*t.log->committed("g", "t", 0), 0) << "forgotten, never committed later either";
}

class RecordingListener final : public log::GroupListener {
 public:
  void assigned(const std::vector<log::TopicPartition>& partitions) override {
    assigned_ = partitions;
  }
  void revoked(const std::vector<log::TopicPartition>&) override { ++revocations_; }
  void lost(const std::vector<log::TopicPartition>&) override { ++revocations_; }
  std::vector<log::TopicPartition> assigned_;
  int revocations_ = 0;
};

TEST(EmbeddedLog, JoiningAssignsEveryPartitionOfTheTopicsAtOnce) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 3);
  RecordingListener listener;
  auto member = log->join("g", {"t"}, listener);
  ASSERT_TRUE(member.is_ok()) << member.status().message();
  EXPECT_EQ(listener.assigned_, (std::vector<log::TopicPartition>{{"t", 0}, {"t", 1}, {"t", 2}}));
  RecordingListener other;
  EXPECT_FALSE(log->join("g", {"missing"}, other).is_ok());
}

}  // namespace
}  // namespace sluice::runtime

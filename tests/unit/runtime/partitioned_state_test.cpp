#include "runtime/partitioned_state.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/byte_codec.h"
#include "log/embedded_log.h"
#include "runtime/commit_tracker.h"
#include "runtime/repartition_sink.h"
#include "runtime/topic_reader.h"
#include "runtime/topic_writer.h"
#include "runtime/upstream_marks.h"
#include "support/embedded_topic_log.h"
#include "support/temp_dir.h"

namespace sluice::runtime {
namespace {

UpstreamPosition at(std::string_view source, int32_t partition, int64_t offset,
                    uint32_t ordinal = 0) {
  return UpstreamPosition{source, partition, offset, ordinal};
}

TEST(UpstreamMarks, APositionAtOrBelowTheHighestSeenOfItsSourcePartitionIsAReplay) {
  UpstreamMarks marks;
  EXPECT_TRUE(marks.first_time(at("events", 0, 10)));
  EXPECT_TRUE(marks.first_time(at("events", 0, 11)));
  EXPECT_TRUE(marks.first_time(at("events", 0, 11, 1))) << "a second event of record 11";
  EXPECT_FALSE(marks.first_time(at("events", 0, 11, 1)));
  EXPECT_FALSE(marks.first_time(at("events", 0, 10))) << "replayed from an older commit";
  EXPECT_TRUE(marks.first_time(at("events", 1, 3))) << "another partition counts on its own";
  EXPECT_TRUE(marks.first_time(at("audit", 0, 5))) << "another source counts on its own";
  EXPECT_TRUE(marks.first_time(at("events", 0, -1)));
  EXPECT_TRUE(marks.first_time(at("events", 0, -1))) << "no identity: always new";

  std::string saved;
  marks.save(&saved);
  UpstreamMarks restored;
  ASSERT_TRUE(restored.load(saved).is_ok());
  EXPECT_EQ(restored.size(), 3u);
  EXPECT_FALSE(restored.first_time(at("events", 0, 11, 1)));
  EXPECT_TRUE(restored.first_time(at("events", 0, 12)));
  EXPECT_FALSE(restored.first_time(at("events", 1, 3)));
  for (size_t cut = 1; cut < saved.size(); ++cut) {
    UpstreamMarks damaged;
    EXPECT_FALSE(damaged.load(std::string_view(saved).substr(0, cut)).is_ok()) << "cut at " << cut;
  }
}

Batch events_of(const std::vector<std::pair<std::string, int64_t>>& service_and_offset) {
  Batch batch;
  batch.origin.source = "events";
  batch.origin.partition = 2;
  const FieldId service = FieldNames::intern("service");
  for (const auto& [s, offset] : service_and_offset) {
    ObjectBuilder b(batch.arena());
    b.set(service, Value::string(batch.arena().copy_string(s)));
    batch.events.push_back(Event{b.finish(), 1000, offset});
  }
  return batch;
}

TEST(RepartitionTopic, RecordsLandWhereTheirKeyFieldsSendThemAndCarryTheirUpstreamPosition) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 4);
  const std::vector<FieldPath> key{*FieldPath::parse("service")};
  TopicWriter writer(*log, "t", 4, key);
  writer.carry_upstream();
  // Record 7 produced two events; 9 and 8 come out of order (an ordinal is counted then).
  Batch batch = events_of({{"a", 5}, {"b", 7}, {"b", 7}, {"c", 9}, {"a", 8}});
  ASSERT_TRUE(writer.append(batch).is_ok());

  // Every event of one service in one partition, where a writer without positions puts it.
  testing::TempDir plain_dir;
  auto plain_log = testing::open_log_with_topic(plain_dir.path(), 4);
  TopicWriter plain(*plain_log, "t", 4, key);
  ASSERT_TRUE(plain.append(batch).is_ok());
  observe::ComponentStats stats("r", ComponentKind::kSource, "repartition");
  std::map<std::string, int32_t> partition_of;
  std::vector<std::string> positions;
  for (log::EmbeddedLog* l : {log.get(), plain_log.get()}) {
    TopicReader reader(*l, "t", 4, "r", 1 << 20, stats);
    if (l == log.get()) reader.read_upstream();
    for (int i = 0; i < 8; ++i) {
      auto read = reader.next(0);
      ASSERT_TRUE(read.is_ok());
      if (!*read) continue;
      const Batch& b = **read;
      for (size_t e = 0; e < b.events.size(); ++e) {
        const std::string service(
            b.events[e].fields.find(FieldNames::intern("service"))->as_string());
        if (l == log.get()) {
          partition_of[service] = b.origin.partition;
          ASSERT_EQ(b.upstream.size(), b.events.size());
          const UpstreamPosition& p = b.upstream[e];
          positions.push_back(service + " " + std::string(p.source) + "/" +
                              std::to_string(p.partition) + "@" + std::to_string(p.offset) + "#" +
                              std::to_string(p.ordinal));
        } else {
          EXPECT_EQ(partition_of[service], b.origin.partition) << service;
          EXPECT_TRUE(b.upstream.empty());
        }
      }
    }
  }
  std::sort(positions.begin(), positions.end());
  EXPECT_EQ(positions,
            (std::vector<std::string>{"a events/2@5#0", "a events/2@8#0", "b events/2@7#0",
                                      "b events/2@7#1", "c events/2@9#0"}));
  EXPECT_FALSE(upstream_of_key("").has_value());
  EXPECT_FALSE(upstream_of_key("\x05").has_value());
  EXPECT_FALSE(upstream_of_key(std::string("\x01\x02\x03xy\x09\x07", 7)).has_value())
      << "lengths that disagree";
}

// A stateful transform that counts the events it took: its state is the count.
class Counter final : public transform::Transform {
 public:
  void process(const Batch& in, transform::TransformOutputs&) override { count += in.size(); }
  void save_state(std::string* out) const override { *out = std::to_string(count); }
  Status load_state(std::string_view bytes) override {
    count = std::stoull(std::string(bytes));
    return Status::ok();
  }
  uint64_t count = 0;
};

std::unique_ptr<PartitionedState> counters(log::Log& log, int32_t partitions) {
  auto state = std::make_unique<PartitionedState>("g");
  std::vector<std::unique_ptr<CheckpointStore>> stores;
  EXPECT_TRUE(
      log.ensure_topic(CheckpointStore::topic_config("g.count.changelog", partitions)).is_ok());
  for (int32_t p = 0; p < partitions; ++p)
    stores.push_back(std::make_unique<CheckpointStore>(log, "g.count.changelog", p));
  state->add(
      "count", "g.count.repartition",
      [](int32_t) -> Result<std::unique_ptr<transform::Transform>> {
        return std::unique_ptr<transform::Transform>(std::make_unique<Counter>());
      },
      std::move(stores));
  return state;
}

uint64_t count_of(PartitionedState& state, int32_t partition) {
  PartitionedState::Lane* lane = state.lane("g.count.repartition", partition);
  EXPECT_NE(lane, nullptr) << "partition " << partition;
  return lane ? static_cast<Counter*>(lane->transform.get())->count : 0;
}

TEST(PartitionedState, EachPartitionsStateGoesToWhicheverInstanceIsGivenItNext) {
  testing::TempDir dir;
  log::EmbeddedLogOptions options;
  options.dir = dir.path();
  auto log = std::move(log::EmbeddedLog::open(options)).value();
  auto first = counters(*log, 3);
  EXPECT_EQ(first->topics(), (std::set<std::string>{"g.count.repartition"}));
  const std::string topic = "g.count.repartition";
  auto assigned = first->assign({{topic, 0}, {topic, 1}, {topic, 2}, {"events", 0}});
  ASSERT_TRUE(assigned.is_ok()) << assigned.status().message();
  EXPECT_TRUE(assigned->empty()) << "no checkpoint yet: every lane starts empty";
  EXPECT_EQ(first->lanes(), 3u);
  Batch batch = events_of({{"a", 0}, {"b", 1}});
  std::vector<Batch> ports;
  observe::ComponentStats stats("count", ComponentKind::kTransform, "count");
  transform::TransformOutputs unused_outputs(ports, "count", stats);
  for (int32_t p : {0, 1, 1}) first->lane(topic, p)->transform->process(batch, unused_outputs);
  first->lane(topic, 1)->marks.first_time(at("events", 2, 1));

  // Partition 2 routed nothing: left out of the cut, its checkpoint stays what it was.
  Checkpoint cut = first->cut(1, {{topic, {{0, 10}, {1, 20}}}, {"events", {{0, 99}}}});
  EXPECT_EQ(cut.offsets,
            (std::map<std::string, std::map<int32_t, int64_t>>{{topic, {{0, 10}, {1, 20}}}}));
  ASSERT_TRUE(first->save(cut).is_ok());
  EXPECT_TRUE(first->cut(2, {{topic, {{0, 10}, {1, 20}}}}).offsets.empty())
      << "nothing routed since the last cut: nothing to save again";

  // Another instance is given partitions 1 and 2: 1 with its count, marks and offset.
  auto second = counters(*log, 3);
  auto restored = second->assign({{topic, 1}, {topic, 2}});
  ASSERT_TRUE(restored.is_ok()) << restored.status().message();
  ASSERT_EQ(restored->size(), 1u);
  EXPECT_EQ((*restored)[0].partition, 1);
  EXPECT_EQ((*restored)[0].offset, 20);
  EXPECT_EQ(count_of(*second, 1), 4u);
  EXPECT_EQ(second->lane(topic, 1)->resumed_below, 20);
  EXPECT_FALSE(second->lane(topic, 1)->marks.first_time(at("events", 2, 1)));
  EXPECT_EQ(count_of(*second, 2), 0u);
  EXPECT_EQ(second->lanes(), 2u);

  // A later assignment drops what it no longer holds.
  ASSERT_TRUE(second->assign({{topic, 0}}).is_ok());
  EXPECT_EQ(second->lanes(), 1u);
  EXPECT_EQ(count_of(*second, 0), 2u);
  EXPECT_EQ(second->lane(topic, 1), nullptr) << "let go: never made again here";
  EXPECT_EQ(second->lane("events", 0), nullptr);
}

TEST(RepartitionSink, AfterAFailedBatchOnlyItsRetryGoesInSoTheTopicHasNoGap) {
  testing::TempDir dir;
  log::EmbeddedLogOptions options;
  options.dir = dir.path();
  auto log = std::move(log::EmbeddedLog::open(options)).value();
  RepartitionSink sink(std::make_unique<TopicWriter>(*log, "t", 1, std::vector<FieldPath>{}));
  Batch first = events_of({{"a", 1}, {"b", 2}});
  first.origin.first_offset = 1;
  first.origin.last_offset = 2;
  Batch later = events_of({{"c", 3}});
  later.origin.first_offset = later.origin.last_offset = 3;
  EXPECT_FALSE(sink.write(first).is_ok()) << "the topic does not exist yet";
  Status refused = sink.write(later);
  EXPECT_FALSE(refused.is_ok());
  EXPECT_NE(refused.message().find("no gap"), std::string::npos) << refused.message();
  log::TopicConfig t;
  t.name = "t";
  ASSERT_TRUE(log->ensure_topic(t).is_ok());
  EXPECT_FALSE(sink.write(later).is_ok()) << "still not before the failed batch";
  ASSERT_TRUE(sink.write(first).is_ok()) << "its retry";
  ASSERT_TRUE(sink.write(later).is_ok());
  auto read = log->read("t", 0, 0, 1 << 20, 0);
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(read->records.size(), 3u) << "the first batch, then the later one";
}

TEST(CommitTracker, GatedOnlyForSomeTopicsCommitsTheOthersAsTheirSinksMakeThemDurable) {
  testing::TempDir dir;
  auto log = testing::open_log_with_topic(dir.path(), 1);
  log::TopicConfig r;
  r.name = "r";
  ASSERT_TRUE(log->ensure_topic(r).is_ok());
  for (const char* topic : {"t", "r"}) {
    TopicWriter writer(*log, topic, 1, {});
    ASSERT_TRUE(writer.append(events_of({{"a", 0}, {"b", 1}, {"c", 2}})).is_ok());
  }
  CheckpointStore store(dir.path(), "g");
  uint64_t given = 0, durable = 0;
  CommitTracker tracker(
      *log, "g", 1, [&](size_t) { return given; }, [&](size_t) { return durable; });
  tracker.gate_on_checkpoints(&store, {"r"});
  given = 1;
  tracker.routed("t", 0, 3);
  tracker.routed("r", 0, 3);
  durable = 1;
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "t", 0), 3) << "not gated: committed once durable";
  EXPECT_EQ(*log->committed("g", "r", 0), 0) << "gated: only a checkpoint commits it";
  Checkpoint cut;
  cut.sequence = 1;
  cut.offsets["r"][0] = 2;
  tracker.checkpoint(cut);
  ASSERT_TRUE(tracker.commit_durable().is_ok());
  EXPECT_EQ(*log->committed("g", "r", 0), 2);
}

}  // namespace
}  // namespace sluice::runtime

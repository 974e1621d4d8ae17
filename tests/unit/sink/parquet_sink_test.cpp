#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "format/json_writer.h"
#include "sink/lake/file_names.h"
#include "sink/lake/lake_file.h"
#include "sink/lake/lake_reader.h"
#include "sink/parquet.h"
#include "support/sink_fixture.h"

namespace sluice::sink {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using testing::batch_of;
constexpr int64_t kTime = testing::kSinkTestTime;

// A parquet sink named "lake" writing to <dir>/lake, with more options.
struct LakeSink : testing::SinkUnderTest {
  LakeSink(const std::string& dir, const std::string& options)
      : SinkUnderTest(dir, "parquet", "lake", "    path: lake\n" + options) {}
};

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i)
    out.push_back(R"({"n":)" + std::to_string(i) + R"(,"service":"auth"})");
  return out;
}

std::vector<std::string> files_in(const std::string& root) {
  if (!fs::exists(root)) return {};
  auto files = lake::lake_files(root);
  EXPECT_TRUE(files) << files.status().message();
  return files ? *files : std::vector<std::string>{};
}

// Every event in the lake as JSON, in file order.
std::vector<std::string> lake_events(const std::string& root,
                                     std::vector<int64_t>* times = nullptr) {
  std::vector<std::string> out;
  for (const std::string& path : files_in(root)) {
    auto reader = lake::LakeReader::open(path);
    EXPECT_TRUE(reader) << reader.status().message();
    if (!reader) continue;
    Batch batch;
    while (true) {
      auto more = (*reader)->next(&batch);
      EXPECT_TRUE(more) << more.status().message();
      if (!more || !*more) break;
    }
    for (const Event& e : batch.events) {
      out.push_back(format::to_json(e.fields));
      if (times) times->push_back(e.time_us);
    }
  }
  return out;
}

TEST(ParquetSink, WritesReadableFilesNamedAfterTheOffsetsTheyHold) {
  TempDir dir;
  LakeSink lake(dir.path(), "    partition_by: [\"date=%Y-%m-%d\", \"hour=%H\"]\n");
  ASSERT_TRUE(lake.sink->write(batch_of(numbered(0, 10), 0)).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  const auto files = files_in(dir.path() + "/lake");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], dir.path() + "/lake/date=2026-11-24/hour=10/" +
                          lake::logged_file_name("lake", "in", 0, 0, 9));
  std::vector<int64_t> times;
  const auto events = lake_events(dir.path() + "/lake", &times);
  ASSERT_EQ(events.size(), 10u);
  EXPECT_EQ(events[3], R"({"n":3,"service":"auth"})");
  EXPECT_EQ(times[3], kTime);  // the time column is the event time again
  EXPECT_EQ(lake.stats.snapshot().events_out, 10u);
}

TEST(ParquetSink, ReplayedEventsAlreadyInTheLakeAreSkipped) {
  TempDir dir;
  {
    LakeSink first(dir.path(), "");
    ASSERT_TRUE(first.sink->write(batch_of(numbered(0, 100), 0)).is_ok());
    ASSERT_TRUE(first.sink->close().is_ok());
  }
  // A restart replays from an older commit, in batches cut differently.
  LakeSink second(dir.path(), "");
  ASSERT_TRUE(second.sink->write(batch_of(numbered(50, 120), 50)).is_ok());
  ASSERT_TRUE(second.sink->write(batch_of(numbered(120, 150), 120)).is_ok());
  ASSERT_TRUE(second.sink->close().is_ok());
  const auto events = lake_events(dir.path() + "/lake");
  ASSERT_EQ(events.size(), 150u);
  std::set<std::string> unique(events.begin(), events.end());
  EXPECT_EQ(unique.size(), 150u);
  EXPECT_EQ(second.stats.snapshot().already_written, 50u);
  // Another partition's offsets are its own: nothing of partition 1 is skipped.
  LakeSink third(dir.path(), "");
  ASSERT_TRUE(third.sink->write(batch_of(numbered(0, 10), 0, 1)).is_ok());
  ASSERT_TRUE(third.sink->close().is_ok());
  EXPECT_EQ(lake_events(dir.path() + "/lake").size(), 160u);
}

TEST(ParquetSink, AnOpenFileHoldsItsBatchesUntilItIsCommitted) {
  TempDir dir;
  LakeSink lake(dir.path(), "    max_file_age: 20ms\n");
  for (int b = 0; b < 3; ++b)
    ASSERT_TRUE(lake.sink->write(batch_of(numbered(b * 10, b * 10 + 10), b * 10)).is_ok());
  EXPECT_EQ(lake.sink->held_batches(), 3u);
  EXPECT_TRUE(files_in(dir.path() + "/lake")
                  .empty());  // nothing visible yet: readers never see an open file
  ASSERT_TRUE(lake.sink->flush().is_ok());
  EXPECT_EQ(lake.sink->held_batches(), 3u);  // younger than max_file_age
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_TRUE(lake.sink->flush().is_ok());
  EXPECT_EQ(lake.sink->held_batches(), 0u);
  EXPECT_EQ(lake_events(dir.path() + "/lake").size(), 30u);
}

TEST(ParquetSink, NewFieldJoinsTheOpenFileUntilItsFirstRowGroupThenTheNextFile) {
  TempDir dir;
  {
    LakeSink lake(dir.path(), "    partition_by: []\n");
    ASSERT_TRUE(lake.sink->write(batch_of({R"({"a":1})"}, 0)).is_ok());
    ASSERT_TRUE(lake.sink->write(batch_of({R"({"a":2,"b":"x"})"}, 1)).is_ok());
    ASSERT_TRUE(lake.sink->close().is_ok());
    ASSERT_EQ(files_in(dir.path() + "/lake").size(), 1u);  // the column joined the file in memory
    EXPECT_EQ(lake_events(dir.path() + "/lake"),
              (std::vector<std::string>{R"({"a":1})", R"({"a":2,"b":"x"})"}));
  }
  TempDir small;
  LakeSink lake(small.path(),
                "    partition_by: []\n    row_group_size: 1B\n");  // a row group per batch
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"a":1})"}, 0)).is_ok());
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"a":2,"b":"x"})"}, 1)).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  const auto files = files_in(small.path() + "/lake");
  ASSERT_EQ(files.size(), 2u);
  auto first = format::parquet::FileReader::open(files[0]);
  auto second = format::parquet::FileReader::open(files[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)->columns().size(), 2u);   // event_time, a
  EXPECT_EQ((*second)->columns().size(), 3u);  // event_time, a, b
  EXPECT_EQ(lake_events(small.path() + "/lake"),
            (std::vector<std::string>{R"({"a":1})", R"({"a":2,"b":"x"})"}));
}

TEST(ParquetSink, TypeConflictsWidenTheColumnAndAreRecorded) {
  TempDir dir;
  LakeSink lake(dir.path(), "    partition_by: []\n    row_group_size: 1B\n");
  ASSERT_TRUE(
      lake.sink->write(batch_of({R"({"x":1})", R"({"x":2.5})"}, 0)).is_ok());  // widened in memory
  ASSERT_TRUE(
      lake.sink->write(batch_of({R"({"x":"text"})"}, 2)).is_ok());  // after a row group: next file
  ASSERT_TRUE(lake.sink->close().is_ok());
  const auto files = files_in(dir.path() + "/lake");
  ASSERT_EQ(files.size(), 2u);
  auto second = format::parquet::FileReader::open(files[1]);
  ASSERT_TRUE(second);
  const std::string* promotions = (*second)->metadata().find_metadata("sluice.promotions");
  ASSERT_NE(promotions, nullptr);
  EXPECT_EQ(*promotions, "x: int64 -> double -> string");
  EXPECT_EQ(lake.stats.snapshot().promoted, 2u);
  EXPECT_EQ(lake_events(dir.path() + "/lake"),
            (std::vector<std::string>{R"({"x":1.0})", R"({"x":2.5})", R"({"x":"text"})"}));
}

TEST(ParquetSink, AnOffsetGroupIsNeverSplitAcrossFiles) {
  TempDir dir;
  LakeSink lake(dir.path(), "    partition_by: []\n    row_group_size: 1B\n");
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"a":0})"}, 0)).is_ok());
  // Two events from one record (offset 1); the second needs a new column while the
  // file's schema is frozen: both must move to the next file.
  ASSERT_TRUE(
      lake.sink->write(batch_of({R"({"a":1})", R"({"a":2,"c":true})"}, 1, 0, {1, 1})).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  const auto files = files_in(dir.path() + "/lake");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(fs::path(files[0]).filename(), lake::logged_file_name("lake", "in", 0, 0, 0));
  EXPECT_EQ(fs::path(files[1]).filename(), lake::logged_file_name("lake", "in", 0, 1, 1));
  EXPECT_EQ(lake_events(dir.path() + "/lake"),
            (std::vector<std::string>{R"({"a":0})", R"({"a":1})", R"({"a":2,"c":true})"}));
}

TEST(ParquetSink, ARowRefusedHalfWayLeavesNothingBehind) {
  TempDir dir;
  // The schema change comes at the row's second field, after the first was taken:
  // the row must move whole, not leave its first value in the old file.
  LakeSink lake(dir.path(), "    partition_by: []\n    row_group_size: 1B\n");
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"id":1,"n":1})"}, 0)).is_ok());
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"id":2,"n":1.5})", R"({"id":3,"n":2})"}, 1)).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  EXPECT_EQ(lake_events(dir.path() + "/lake"),
            (std::vector<std::string>{R"({"id":1,"n":1})", R"({"id":2,"n":1.5})", R"({"id":3,"n":2.0})"}));
  // A rejected row whose bad value is not its first: the next row keeps its own values.
  TempDir declared;
  LakeSink strict(declared.path(), "    partition_by: []\n    schema: {status: int64}\n");
  ASSERT_TRUE(strict.sink->write(batch_of({R"({"path":"/x","status":"oops"})", R"({"status":1})"}, 0)).is_ok());
  ASSERT_TRUE(strict.sink->close().is_ok());
  EXPECT_EQ(lake_events(declared.path() + "/lake"), (std::vector<std::string>{R"({"status":1})"}));
}

TEST(ParquetSink, AFileWhoseEventsWereAllRejectedIsNotWritten) {
  TempDir dir;
  LakeSink lake(dir.path(), "    partition_by: [.service]\n    schema: {status: int64}\n");
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"service":"a","status":"bad"})", R"({"service":"b","status":2})"}, 0))
                  .is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  const auto files = files_in(dir.path() + "/lake");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(files[0].find("service=b"), std::string::npos);
  EXPECT_EQ(lake.sink->held_batches(), 0u);
}

TEST(ParquetSink, ValuesThatDoNotFitADeclaredColumnAreRejectedWithTheReason) {
  TempDir dir;
  LakeSink lake(dir.path(), "    partition_by: []\n    schema: {status: int64, at: timestamp}\n");
  ASSERT_TRUE(lake.sink
                  ->write(batch_of({R"({"status":200,"at":"2026-11-24T10:00:01Z"})",
                                    R"({"status":"oops"})", R"({"status":3.0})"},
                                   0))
                  .is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  EXPECT_EQ(lake_events(dir.path() + "/lake"),
            (std::vector<std::string>{R"({"status":200,"at":"2026-11-24T10:00:01Z"})",
                                      R"({"status":3})"}));
  const auto rejected = testing::read_ndjson_lines(dir.path() + "/lake/_rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0].find(R"(column \"status\" (declared int64): \"oops\" is not an int64)"),
            std::string::npos)
      << rejected[0];
  EXPECT_NE(rejected[0].find(R"("offset":1)"), std::string::npos);
  EXPECT_EQ(lake.stats.snapshot().dead_lettered, 1u);
}

TEST(ParquetSink, FieldPartitionsAreEscapedDirectoriesAndComeBackOnRead) {
  TempDir dir;
  LakeSink lake(dir.path(), "    partition_by: [.service, \"day=%Y%j\"]\n");
  ASSERT_TRUE(lake.sink->write(batch_of({R"({"service":"a/b","n":1})", R"({"n":2})"}, 0)).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  EXPECT_TRUE(fs::is_directory(dir.path() + "/lake/service=a%2Fb/day=2026328"));
  EXPECT_TRUE(
      fs::is_directory(dir.path() + "/lake/service=__HIVE_DEFAULT_PARTITION__/day=2026328"));
  auto events = lake_events(dir.path() + "/lake");
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{R"({"n":1,"service":"a/b"})", R"({"n":2})"}));
  for (const std::string& f : files_in(dir.path() + "/lake")) {
    auto r = format::parquet::FileReader::open(f);
    ASSERT_TRUE(r);
    for (const auto& c : (*r)->columns())
      EXPECT_NE(c.name, "service");  // in the path, not in the file
  }
}

TEST(ParquetSink, NestedObjectsAreFlattenedOrKeptAsJson) {
  TempDir flat, json;
  const std::string event = R"({"client":{"ip":"10.0.0.1","geo":{"cc":"ID"}},"tags":["a","b"]})";
  {
    LakeSink lake(flat.path(), "    partition_by: []\n");
    ASSERT_TRUE(lake.sink->write(batch_of({event}, 0)).is_ok());
    ASSERT_TRUE(lake.sink->close().is_ok());
    auto r = format::parquet::FileReader::open(files_in(flat.path() + "/lake")[0]);
    ASSERT_TRUE(r);
    std::vector<std::string> names;
    for (const auto& c : (*r)->columns()) names.push_back(c.name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"event_time", "client.ip", "client.geo.cc", "tags"}));
    EXPECT_EQ(lake_events(flat.path() + "/lake"),
              (std::vector<std::string>{
                  R"({"client":{"ip":"10.0.0.1","geo":{"cc":"ID"}},"tags":"[\"a\",\"b\"]"})"}));
  }
  LakeSink lake(json.path(), "    partition_by: []\n    nested: json\n");
  ASSERT_TRUE(lake.sink->write(batch_of({event}, 0)).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  EXPECT_EQ(
      lake_events(json.path() + "/lake"),
      (std::vector<std::string>{
          R"({"client":"{\"ip\":\"10.0.0.1\",\"geo\":{\"cc\":\"ID\"}}","tags":"[\"a\",\"b\"]"})"}));
}

TEST(ParquetSink, ALeftoverTemporaryFileOfAKilledRunIsRemoved) {
  TempDir dir;
  fs::create_directories(dir.path() + "/lake");
  const std::string leftover = dir.path() + "/lake/" + lake::temp_file_name("lake", "123-1");
  { std::ofstream(leftover) << "PAR1 half a file"; }
  const std::string foreign = dir.path() + "/lake/" + lake::temp_file_name("other", "123-1");
  { std::ofstream(foreign) << "another sink's"; }
  LakeSink lake(dir.path(), "    partition_by: []\n");
  ASSERT_TRUE(lake.sink->write(batch_of(numbered(0, 3), 0)).is_ok());
  ASSERT_TRUE(lake.sink->close().is_ok());
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_TRUE(fs::exists(foreign));
}

// A storage whose appends and commits fail the first times: a full disk that
// gets freed. The file must come out whole, its bytes neither lost nor repeated.
class FlakyStorage final : public lake::LakeStorage {
 public:
  explicit FlakyStorage(std::string root) : inner_(lake::local_storage(std::move(root))) {}
  int failures_left = 2;

  Result<std::unique_ptr<lake::LakeObject>> create(const std::string& dir,
                                                   const std::string& name) override {
    auto object = inner_->create(dir, name);
    if (!object) return object.status();
    return std::unique_ptr<lake::LakeObject>(
        std::make_unique<Object>(std::move(*object), failures_left));
  }
  Result<std::vector<std::string>> list(const std::string& dir) override {
    return inner_->list(dir);
  }
  Status remove(const std::string& dir, const std::string& name) override {
    return inner_->remove(dir, name);
  }
  std::string describe(const std::string& dir, const std::string& name) const override {
    return inner_->describe(dir, name);
  }

 private:
  class Object final : public lake::LakeObject {
   public:
    Object(std::unique_ptr<lake::LakeObject> inner, int& failures)
        : inner_(std::move(inner)), failures_(failures) {}
    Status append(std::string_view bytes) override {
      // The contract: a failed append leaves the object as it was (the local storage
      // cuts what part of a write landed; tests/integration/lake_disk_full_test.sh
      // checks that on a real full disk).
      if (failures_-- > 0) return Status::exhausted("No space left on device");
      return inner_->append(bytes);
    }
    uint64_t size() const override { return inner_->size(); }
    Status commit(const std::string& name) override {
      if (failures_-- > 0) return Status::exhausted("No space left on device");
      return inner_->commit(name);
    }
    void abort() override { inner_->abort(); }

   private:
    std::unique_ptr<lake::LakeObject> inner_;
    int& failures_;
  };
  std::unique_ptr<lake::LakeStorage> inner_;
};

TEST(LakeFile, StoringAfterAFullDiskRetriesWithoutLosingOrRepeatingBytes) {
  TempDir dir;
  FlakyStorage storage(dir.path());
  lake::LakeFileOptions options;
  options.prefix = "t";
  lake::LakeFile file("d", "in", 0, options, 0, 1, 1);
  file.add_column(0, {"n", format::parquet::ColumnType::kInt64});
  for (int i = 0; i < 1000; ++i) {
    file.column(0).append_int(i);
    file.note_offset(i);
    file.end_row();
  }
  ASSERT_TRUE(file.encode_row_group().is_ok());
  EXPECT_FALSE(file.store(storage).is_ok());  // the row group's append fails
  for (int i = 1000; i < 1500; ++i) {
    file.column(0).append_int(i);
    file.note_offset(i);
    file.end_row();
  }
  ASSERT_TRUE(file.finish({}).is_ok());
  storage.failures_left = 2;
  EXPECT_FALSE(file.store(storage).is_ok());
  EXPECT_FALSE(file.store(storage).is_ok());
  ASSERT_TRUE(file.store(storage).is_ok());
  auto reader = format::parquet::FileReader::open(dir.path() + "/d/" + file.final_name());
  ASSERT_TRUE(reader) << reader.status().message();
  EXPECT_EQ((*reader)->rows(), 1500);
  int64_t expected = 0;
  for (size_t g = 0; g < (*reader)->row_groups(); ++g) {
    auto column = (*reader)->read_column(g, 0);
    ASSERT_TRUE(column);
    for (int64_t v : column->ints()) EXPECT_EQ(v, expected++);
  }
  EXPECT_EQ(expected, 1500);
}

}  // namespace
}  // namespace sluice::sink

// The lake's small parts: partition directories, file names, the column mapper.
#include <gtest/gtest.h>

#include "format/column_mapper.h"
#include "format/json_writer.h"
#include "sink/lake/file_names.h"
#include "sink/lake/partitioner.h"
#include "support/pipeline_fixture.h"

namespace sluice::sink::lake {
namespace {

Event event_at(const std::string& json, int64_t time_us, Arena& arena) {
  return Event{testing::parse_line(json, arena), time_us, 0};
}

TEST(Partitioner, TimePatternsAreUtcAndFieldsAreEscaped) {
  std::vector<PartitionSpec> specs;
  for (const char* text : {"date=%Y-%m-%d", "hour=%H", ".service", "doy=%j%M%S"})
    specs.push_back(*parse_partition_spec(text));
  Partitioner p(std::move(specs));
  Arena arena;
  // 2026-11-24T10:05:09Z and a second before the epoch (times before 1970 floor, not truncate).
  EXPECT_EQ(p.directory(event_at(R"({"service":"a/b c=d"})", 1'795'514'709'000'000, arena)),
            "date=2026-11-24/hour=10/service=a%2Fb c%3Dd/doy=3280509");
  EXPECT_EQ(p.directory(event_at(R"({"service":7})", -1'000'000, arena)),
            "date=1969-12-31/hour=23/service=7/doy=3655959");
  EXPECT_EQ(p.directory(event_at(R"({})", 0, arena)),
            "date=1970-01-01/hour=00/service=__HIVE_DEFAULT_PARTITION__/doy=0010000");
  EXPECT_EQ(p.directory(event_at(R"({"service":".."})", 0, arena)),
            "date=1970-01-01/hour=00/service=%2E%2E/doy=0010000");
}

TEST(Partitioner, EscapingRoundTripsEveryByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  const std::string escaped = escape_partition_value(all);
  EXPECT_EQ(escaped.find('/'), std::string::npos);
  EXPECT_EQ(escaped.find('='), std::string::npos);
  EXPECT_EQ(unescape_partition_value(escaped), all);
}

TEST(Partitioner, BadSpecsSayWhatIsWrong) {
  EXPECT_NE(parse_partition_spec("service").status().message().find("neither"), std::string::npos);
  EXPECT_NE(parse_partition_spec("d=%q").status().message().find("unknown time field %q"),
            std::string::npos);
  EXPECT_NE(parse_partition_spec("d=%Y/%m").status().message().find("one directory level"),
            std::string::npos);
  EXPECT_NE(parse_partition_spec("d=plain").status().message().find("needs a % field"),
            std::string::npos);
  EXPECT_EQ(parse_partition_spec(".http.host")->name, "host");
}

TEST(LakeFileNames, NamesParseBackAndForeignNamesDoNot) {
  const std::string name = logged_file_name("lake", "my-topic-2", 3, 120, 199);
  EXPECT_EQ(name, "lake.my-topic-2-3-00000000000000000120-00000000000000000199.parquet");
  auto parsed = parse_logged_file_name(name, "lake");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->topic, "my-topic-2");
  EXPECT_EQ(parsed->partition, 3);
  EXPECT_EQ(parsed->first_offset, 120);
  EXPECT_EQ(parsed->last_offset, 199);
  EXPECT_FALSE(parse_logged_file_name(name, "lak"));  // another sink's prefix
  EXPECT_FALSE(parse_logged_file_name(unlogged_file_name("lake", 5, 1), "lake"));
  EXPECT_FALSE(parse_logged_file_name("lake.t-0-x-1.parquet", "lake"));
  EXPECT_FALSE(parse_logged_file_name("lake.t-0-1-2.parquet.bak", "lake"));
  // A sink whose name starts with another's: neither takes the other's files.
  EXPECT_FALSE(parse_logged_file_name(logged_file_name("lake-errors", "t", 0, 1, 2), "lake"));
  EXPECT_TRUE(is_temp_file_name(temp_file_name("lake", "1-2"), "lake"));
  EXPECT_FALSE(is_temp_file_name(temp_file_name("lake2", "1-2"), "lake"));
  EXPECT_FALSE(is_temp_file_name(temp_file_name("lake-errors", "1-2"), "lake"));
}

TEST(ColumnMapper, FlattensNestedObjectsAndFoldsOneNameToOneColumn) {
  format::ColumnMapper mapper(format::ColumnMapper::Nested::kFlatten);
  Arena arena;
  std::vector<std::pair<std::string, std::string>> seen;
  const Value v = testing::parse_line(
      R"({"a":1,"b":{"c":"x","d":{"e":true}},"a.x":2,"arr":[1],"n":null})", arena);
  mapper.for_each_column(v, [&](size_t column, const Value& value) {
    seen.emplace_back(mapper.column_name(column), format::to_json(value));
  });
  EXPECT_EQ(seen,
            (std::vector<std::pair<std::string, std::string>>{
                {"a", "1"}, {"b.c", "\"x\""}, {"b.d.e", "true"}, {"a.x", "2"}, {"arr", "[1]"}}));
  // A field literally named "b.c" is the same column as the nested one.
  const Value w = testing::parse_line(R"({"b.c":"y"})", arena);
  size_t column = SIZE_MAX;
  mapper.for_each_column(w, [&](size_t c, const Value&) { column = c; });
  EXPECT_EQ(column, *mapper.find("b.c"));
  format::ColumnMapper json(format::ColumnMapper::Nested::kJson);
  std::vector<std::string> names;
  json.for_each_column(v, [&](size_t c, const Value&) { names.push_back(json.column_name(c)); });
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "a.x", "arr"}));
}

}  // namespace
}  // namespace sluice::sink::lake

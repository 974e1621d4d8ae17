#include "format/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include "format/parquet/metadata.h"

namespace sluice::format::parquet {
namespace {

TEST(ThriftCompact, FieldHeadersUseDeltasAndLongFormForJumps) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.field_i32(1, 5);         // delta 1, type i32: 0x15, zigzag(5) = 10
  w.field_i64(3, -1);        // delta 2, type i64: 0x26, zigzag(-1) = 1
  w.field_bool(4, true);     // delta 1, type true: 0x11
  w.field_binary(40, "ab");  // delta 36 > 15: type byte 0x08, zigzag(40) = 80, then length 2
  w.end_struct();
  EXPECT_EQ(bytes, std::string("\x15\x0A\x26\x01\x11\x08\x50\x02"
                               "ab"
                               "\x00",
                               11));

  CompactReader r(bytes);
  int16_t id;
  CompactType t;
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.read_i32(), 5);
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 3);
  EXPECT_EQ(r.read_i64(), -1);
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_TRUE(r.read_bool(t));
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 40);
  EXPECT_EQ(r.read_binary(), "ab");
  EXPECT_FALSE(r.next_field(&id, &t));
  EXPECT_TRUE(r.ok());
}

TEST(ThriftCompact, FileMetadataRoundTripsAndUnknownFieldsAreSkipped) {
  FileMetaData md;
  md.schema.resize(2);
  md.schema[0].name = "schema";
  md.schema[0].num_children = 1;
  md.schema[1].name = "ts";
  md.schema[1].type = PhysicalType::kInt64;
  md.schema[1].repetition = Repetition::kOptional;
  md.schema[1].logical.kind = LogicalType::Kind::kTimestamp;
  md.num_rows = 42;
  RowGroup rg;
  rg.num_rows = 42;
  ColumnChunk c;
  c.meta_data.path_in_schema = {"ts"};
  c.meta_data.encodings = {Encoding::kPlain, Encoding::kRle};
  c.meta_data.codec = Codec::kZstd;
  c.meta_data.num_values = 42;
  c.meta_data.data_page_offset = 4;
  c.meta_data.statistics =
      Statistics{std::string("\x01", 1), std::string("\x09", 1), 3, std::nullopt};
  rg.columns.push_back(c);
  md.row_groups.push_back(rg);
  md.key_value_metadata.push_back({"sluice.offsets", "ingest/0/10-20"});
  std::string bytes;
  write_file_metadata(md, &bytes);
  // A reader of a newer format sees fields it does not know: splice one in (id 99, a struct).
  ASSERT_EQ(bytes.back(), '\0');
  bytes.pop_back();
  bytes += std::string("\x0C\xC6\x01\x15\x02\x00\x00", 7);
  auto back = read_file_metadata(bytes);
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->num_rows, 42);
  ASSERT_EQ(back->schema.size(), 2u);
  EXPECT_EQ(back->schema[1].name, "ts");
  EXPECT_EQ(back->schema[1].logical.kind, LogicalType::Kind::kTimestamp);
  EXPECT_EQ(back->schema[1].logical.unit, LogicalType::TimeUnit::kMicros);
  ASSERT_EQ(back->row_groups.size(), 1u);
  const ColumnMetaData& m = back->row_groups[0].columns[0].meta_data;
  EXPECT_EQ(m.codec, Codec::kZstd);
  EXPECT_EQ(m.encodings.size(), 2u);
  EXPECT_EQ(*m.statistics->null_count, 3);
  EXPECT_EQ(*m.statistics->min_value, "\x01");
  ASSERT_NE(back->find_metadata("sluice.offsets"), nullptr);
  EXPECT_EQ(*back->find_metadata("sluice.offsets"), "ingest/0/10-20");
}

TEST(ThriftCompact, EveryTruncationOfAFooterIsAnError) {
  FileMetaData md;
  md.schema.resize(1);
  md.schema[0].name = "schema";
  md.key_value_metadata.push_back({"k", std::string(300, 'v')});
  std::string bytes;
  write_file_metadata(md, &bytes);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(read_file_metadata(std::string_view(bytes).substr(0, cut)).is_ok()) << cut;
  }
}

TEST(ThriftCompact, HostileNestingAndListSizesAreRefused) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "\x1C";  // struct field, delta 1, again and again
  EXPECT_FALSE(read_file_metadata(deep).is_ok());
  // A list claiming 2^31 elements in a few bytes.
  EXPECT_FALSE(read_file_metadata(std::string("\x29\xFC\xFF\xFF\xFF\x0F", 6)).is_ok());
}

}  // namespace
}  // namespace sluice::format::parquet

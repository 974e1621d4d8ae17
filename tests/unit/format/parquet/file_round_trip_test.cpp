// Writer and reader against each other; tests/integration/lake_duckdb_test.sh
// checks the same files with an independent reader (DuckDB).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "format/parquet/file_reader.h"
#include "format/parquet/file_writer.h"

namespace sluice::format::parquet {
namespace {

struct Columns {
  std::vector<ColumnSpec> schema;
  std::vector<ColumnBuffer> buffers;
  void add(std::string name, ColumnType type, size_t dictionary_bytes = 1 << 20) {
    schema.push_back({std::move(name), type});
    buffers.emplace_back(type, dictionary_bytes);
  }
};

// Rows of every type with nulls, low- and high-cardinality strings.
Columns sample_columns(size_t rows, uint32_t seed) {
  Columns c;
  c.add("status", ColumnType::kInt64);
  c.add("latency_ms", ColumnType::kDouble);
  c.add("service", ColumnType::kString);
  c.add("trace_id", ColumnType::kString, 4096);  // outgrows its dictionary: written PLAIN
  c.add("ok", ColumnType::kBoolean);
  c.add("event_time", ColumnType::kTimestamp);
  std::mt19937 rng(seed);
  const char* services[] = {"auth", "payments", "checkout", ""};
  for (size_t r = 0; r < rows; ++r) {
    if (r % 11 == 3)
      c.buffers[0].append_null();
    else
      c.buffers[0].append_int(200 + static_cast<int64_t>(rng() % 4) * 100);
    c.buffers[1].append_double(static_cast<double>(rng() % 100000) / 7.0 - 50);
    if (r % 5 == 0)
      c.buffers[2].append_null();
    else
      c.buffers[2].append_string(services[rng() % 4]);
    c.buffers[3].append_string("t-" + std::to_string(rng()) + "-" + std::to_string(r));
    if (r % 3 == 0)
      c.buffers[4].append_null();
    else
      c.buffers[4].append_int(rng() % 2);
    c.buffers[5].append_int(1'790'000'000'000'000 + static_cast<int64_t>(r) * 1000);
  }
  return c;
}

void expect_same(const ColumnBuffer& a, const ColumnBuffer& b) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.values(), b.values());
  EXPECT_TRUE(std::equal(a.defined().begin(), a.defined().end(), b.defined().begin()));
  if (a.type() == ColumnType::kString) {
    for (size_t i = 0; i < a.values(); ++i) ASSERT_EQ(a.string_at(i), b.string_at(i)) << i;
  } else if (a.type() == ColumnType::kDouble) {
    for (size_t i = 0; i < a.values(); ++i) ASSERT_EQ(a.doubles()[i], b.doubles()[i]) << i;
  } else {
    for (size_t i = 0; i < a.values(); ++i) ASSERT_EQ(a.ints()[i], b.ints()[i]) << i;
  }
}

std::string write_file(Columns& c, size_t row_groups, ChunkOptions options,
                       std::vector<Columns>* groups = nullptr) {
  FileWriter writer(c.schema, options);
  std::string file;
  writer.begin(&file);
  for (size_t g = 0; g < row_groups; ++g) {
    Columns group = g == 0 ? c : sample_columns(c.buffers[0].rows(), static_cast<uint32_t>(g));
    EXPECT_TRUE(writer.encode_row_group(group.buffers, group.buffers[0].rows(), &file).is_ok());
    if (groups) groups->push_back(group);
  }
  writer.encode_footer({{"sluice.test", "yes"}}, &file);
  return file;
}

TEST(ParquetFile, EveryTypeAndCodecRoundTripsWithNullsAcrossPagesAndRowGroups) {
  for (Compression codec : {Compression::kNone, Compression::kSnappy, Compression::kZstd,
                            Compression::kGzip, Compression::kLz4}) {
    Columns c = sample_columns(7000, 1);
    ChunkOptions options;
    options.compression = codec;
    options.page_rows = 1000;  // several pages per chunk
    std::vector<Columns> groups;
    const std::string file = write_file(c, 3, options, &groups);
    auto reader = FileReader::from_bytes(file);
    ASSERT_TRUE(reader) << reader.status().message();
    EXPECT_EQ((*reader)->rows(), 21000);
    ASSERT_EQ((*reader)->row_groups(), 3u);
    ASSERT_EQ((*reader)->columns().size(), c.schema.size());
    EXPECT_EQ(*(*reader)->metadata().find_metadata("sluice.test"), "yes");
    for (size_t g = 0; g < 3; ++g) {
      for (size_t col = 0; col < c.schema.size(); ++col) {
        EXPECT_EQ((*reader)->columns()[col].type, c.schema[col].type);
        auto back = (*reader)->read_column(g, col);
        ASSERT_TRUE(back) << back.status().message();
        expect_same(groups[g].buffers[col], *back);
      }
    }
  }
}

TEST(ParquetFile, LowCardinalityColumnsAreDictionaryEncodedAndHighCardinalityPlain) {
  Columns c = sample_columns(5000, 2);
  const std::string file = write_file(c, 1, ChunkOptions{});
  auto reader = FileReader::from_bytes(file);
  ASSERT_TRUE(reader);
  const auto& chunks = (*reader)->metadata().row_groups[0].columns;
  auto has = [](const ColumnMetaData& m, Encoding e) {
    return std::find(m.encodings.begin(), m.encodings.end(), e) != m.encodings.end();
  };
  EXPECT_TRUE(has(chunks[0].meta_data, Encoding::kRleDictionary));  // status
  EXPECT_TRUE(chunks[0].meta_data.dictionary_page_offset.has_value());
  EXPECT_TRUE(has(chunks[2].meta_data, Encoding::kRleDictionary));   // service
  EXPECT_FALSE(has(chunks[3].meta_data, Encoding::kRleDictionary));  // trace_id: over its budget
  EXPECT_FALSE(chunks[3].meta_data.dictionary_page_offset.has_value());
}

TEST(ParquetFile, StatisticsHoldMinMaxAndNullCounts) {
  Columns c;
  c.add("n", ColumnType::kInt64);
  c.add("d", ColumnType::kDouble);
  c.add("s", ColumnType::kString);
  c.add("long", ColumnType::kString);
  for (int64_t v : {5, -3, 12}) c.buffers[0].append_int(v);
  c.buffers[0].append_null();
  for (double v : {0.0, std::nan(""), 2.5, -1.0}) c.buffers[1].append_double(v);
  for (const char* v : {"pear", "apple", "zebra"}) c.buffers[2].append_string(v);
  c.buffers[2].append_null();
  c.buffers[3].append_string(std::string(100, 'a'));
  c.buffers[3].append_string(std::string(100, 'b'));
  c.buffers[3].append_null();
  c.buffers[3].append_null();
  const std::string file = write_file(c, 1, ChunkOptions{});
  auto reader = FileReader::from_bytes(file);
  ASSERT_TRUE(reader);
  const auto& chunks = (*reader)->metadata().row_groups[0].columns;
  auto as_int = [](const std::string& b) {
    int64_t v;
    std::memcpy(&v, b.data(), 8);
    return v;
  };
  auto as_double = [](const std::string& b) {
    double v;
    std::memcpy(&v, b.data(), 8);
    return v;
  };
  const Statistics& n = *chunks[0].meta_data.statistics;
  EXPECT_EQ(as_int(*n.min_value), -3);
  EXPECT_EQ(as_int(*n.max_value), 12);
  EXPECT_EQ(*n.null_count, 1);
  const Statistics& d = *chunks[1].meta_data.statistics;  // NaN ignored
  EXPECT_EQ(as_double(*d.min_value), -1.0);
  EXPECT_EQ(as_double(*d.max_value), 2.5);
  const Statistics& s = *chunks[2].meta_data.statistics;
  EXPECT_EQ(*s.min_value, "apple");
  EXPECT_EQ(*s.max_value, "zebra");
  const Statistics& l = *chunks[3].meta_data.statistics;  // cut to 64 bytes, still bounds
  EXPECT_EQ(*l.min_value, std::string(64, 'a'));
  EXPECT_EQ(*l.max_value, std::string(63, 'b') + "c");
  EXPECT_EQ(*l.null_count, 2);
}

TEST(ParquetColumnBuffer, PromotionKeepsEveryValue) {
  ColumnBuffer ints(ColumnType::kInt64, 1 << 20);
  ints.append_int(3);
  ints.append_null();
  ints.append_int(-7);
  ints.promote(ColumnType::kDouble);
  ints.append_double(2.5);
  ASSERT_EQ(ints.type(), ColumnType::kDouble);
  EXPECT_EQ(std::vector<double>(ints.doubles().begin(), ints.doubles().end()),
            (std::vector<double>{3, -7, 2.5}));
  ints.promote(ColumnType::kString);
  ints.append_string("x");
  EXPECT_EQ(ints.string_at(0), "3.0");
  EXPECT_EQ(ints.string_at(2), "2.5");
  EXPECT_EQ(ints.string_at(3), "x");

  ColumnBuffer times(ColumnType::kTimestamp, 1 << 20);
  times.append_int(1'790'000'000'123'456);
  times.promote(ColumnType::kString);
  EXPECT_EQ(times.string_at(0), "2026-09-21T14:13:20.123456Z");
  ColumnBuffer flags(ColumnType::kBoolean, 1 << 20);
  flags.append_int(1);
  flags.promote(ColumnType::kString);
  EXPECT_EQ(flags.string_at(0), "true");
  ASSERT_NE(flags.dictionary(), nullptr);  // a string column gets a dictionary again
}

TEST(ParquetColumnBuffer, TruncateRetractsTheLastRows) {
  ColumnBuffer c(ColumnType::kString, 1 << 20);
  c.append_string("a");
  c.append_null();
  c.append_string("b");
  c.append_string("c");
  c.truncate(2);
  EXPECT_EQ(c.rows(), 2u);
  EXPECT_EQ(c.values(), 1u);
  c.append_string("d");
  EXPECT_EQ(c.string_at(1), "d");
  EXPECT_EQ(c.dictionary_indices().size(), 2u);
}

TEST(ParquetFile, DamageIsAnErrorNamingWhatIsWrong) {
  Columns c = sample_columns(2000, 3);
  const std::string file = write_file(c, 1, ChunkOptions{});
  {
    auto r = FileReader::from_bytes(file.substr(0, file.size() - 3));
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("incomplete"), std::string::npos) << r.status().message();
  }
  // A flipped byte inside the first data page: its checksum no longer matches.
  std::string damaged = file;
  auto reader = FileReader::from_bytes(file);
  ASSERT_TRUE(reader);
  const int64_t page = (*reader)->metadata().row_groups[0].columns[1].meta_data.data_page_offset;
  damaged[static_cast<size_t>(page) + 40] ^= 0x20;
  auto hurt = FileReader::from_bytes(damaged);
  ASSERT_TRUE(hurt);
  auto column = (*hurt)->read_column(0, 1);
  ASSERT_FALSE(column);
  EXPECT_NE(column.status().message().find("latency_ms"), std::string::npos)
      << column.status().message();
  // Every other column still reads.
  EXPECT_TRUE((*hurt)->read_column(0, 0));
  EXPECT_TRUE((*hurt)->read_column(0, 2));
}

TEST(ParquetFile, RandomGarbageNeverCrashesTheReader) {
  Columns c = sample_columns(300, 4);
  const std::string file = write_file(c, 1, ChunkOptions{});
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string bad = file;
    for (int flips = 0; flips < 4; ++flips) bad[rng() % bad.size()] = static_cast<char>(rng());
    auto r = FileReader::from_bytes(bad);
    if (!r) continue;
    for (size_t g = 0; g < (*r)->row_groups(); ++g) {
      for (size_t col = 0; col < (*r)->columns().size(); ++col) (void)(*r)->read_column(g, col);
    }
  }
}

}  // namespace
}  // namespace sluice::format::parquet

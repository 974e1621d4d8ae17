#include <gtest/gtest.h>

#include "core/suggest.h"
#include "core/units.h"

namespace sluice {
namespace {

TEST(Units, Durations) {
  EXPECT_EQ(*parse_duration_us("500ms"), 500000);
  EXPECT_EQ(*parse_duration_us("1m"), 60000000);
  EXPECT_EQ(*parse_duration_us("1h30m"), 5400000000);
  EXPECT_EQ(*parse_duration_us("1.5s"), 1500000);
  EXPECT_EQ(*parse_duration_us("250us"), 250);
  EXPECT_EQ(*parse_duration_us("0"), 0);
  EXPECT_EQ(*parse_duration_us(" 2d "), 172800000000);
}

TEST(Units, BadDurationsSayWhatIsExpected) {
  for (const char* bad : {"", "5", "ms", "5 parsecs", "1x", "-1s", "1.2.3s"}) {
    auto r = parse_duration_us(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.status().message().find("invalid duration"), std::string::npos) << r.status().message();
  }
}

TEST(Units, Sizes) {
  EXPECT_EQ(*parse_size_bytes("64MiB"), 64 * 1024 * 1024);
  EXPECT_EQ(*parse_size_bytes("1KB"), 1000);
  EXPECT_EQ(*parse_size_bytes("1.5GiB"), 1610612736);
  EXPECT_EQ(*parse_size_bytes("4096"), 4096);
  EXPECT_FALSE(parse_size_bytes("64 MiBs"));
  EXPECT_FALSE(parse_size_bytes("lots"));
  EXPECT_FALSE(parse_size_bytes(""));
}

TEST(Units, FormatIsReadableAndParsesBack) {
  EXPECT_EQ(format_duration_us(1500000), "1500ms");  // exact, never rounded
  EXPECT_EQ(format_duration_us(90000000), "90s");
  EXPECT_EQ(format_duration_us(250000), "250ms");
  EXPECT_EQ(format_size_bytes(64 * 1024 * 1024), "64MiB");
  for (int64_t d : {int64_t{1}, int64_t{1500}, int64_t{7200000000}}) EXPECT_EQ(*parse_duration_us(format_duration_us(d)), d);
}

TEST(Suggest, ClosestPlausibleMatch) {
  std::vector<std::string> words{"partition_by", "path", "rotate_bytes"};
  EXPECT_EQ(did_you_mean("partiton_by", words), " (did you mean \"partition_by\"?)");
  EXPECT_EQ(did_you_mean("pth", words), " (did you mean \"path\"?)");
  EXPECT_EQ(did_you_mean("completely_different", words), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

}  // namespace
}  // namespace sluice

#include <gtest/gtest.h>

#include "core/time.h"

namespace sluice {
namespace {

int64_t us(std::string_view text) {
  auto r = parse_rfc3339(text);
  EXPECT_TRUE(r) << text << ": " << r.status().message();
  return r ? *r : 0;
}

TEST(Time, ParsesRfc3339WithFractionsAndOffsets) {
  EXPECT_EQ(us("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(us("2026-11-24T10:15:00Z"), 1795515300000000);
  EXPECT_EQ(us("2026-11-24T10:15:00.123456Z"), 1795515300123456);
  EXPECT_EQ(us("2026-11-24T10:15:00.123456789Z"), 1795515300123456);  // nanoseconds truncated
  EXPECT_EQ(us("2026-11-24T17:15:00+07:00"), 1795515300000000);
  EXPECT_EQ(us("2026-11-24 10:15:00z"), 1795515300000000);
  EXPECT_EQ(us("1969-12-31T23:59:59.500000Z"), -500000);
  EXPECT_EQ(us("2024-02-29T00:00:00Z"), 1709164800000000);
}

TEST(Time, RejectsMalformedTimesWithThePosition) {
  for (const char* bad : {"", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2026-11-24T24:00:00Z", "2026-11-24T10:15", "2026-11-24T10:15:00+25:00", "yesterday",
                          "2026-11-24T10:15:00Zjunk"}) {
    auto r = parse_rfc3339(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_FALSE(r.status().message().empty());
    }
  }
}

TEST(Time, FormatsAndRoundTrips) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1795515300123456), "2026-11-24T10:15:00.123456Z");
  EXPECT_EQ(format_rfc3339(-500000), "1969-12-31T23:59:59.500000Z");
  for (int64_t t : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1795515300123456}, int64_t{253402300799999999}}) {
    EXPECT_EQ(us(format_rfc3339(t)), t) << t;
  }
}

TEST(Time, FixedWidthFormSortsLikeTime) {
  char a[kRfc3339MaxBytes], b[kRfc3339MaxBytes];
  EXPECT_EQ(std::string(a, format_rfc3339(0, a, true)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(std::string(a, format_rfc3339(-62'167'219'200'000'000, a, true)), "0000-01-01T00:00:00.000000Z");
  // Outside years 0-9999 the text is still right, if wider.
  EXPECT_EQ(format_rfc3339(253'402'300'800'000'000), "10000-01-01T00:00:00Z");
  int64_t previous = -5'000'000'000'000;
  for (int64_t t = previous + 1; t < 5'000'000'000'000; t += 999'999'937) {
    const std::string x(a, format_rfc3339(previous, a, true)), y(b, format_rfc3339(t, b, true));
    EXPECT_LT(x, y) << previous << " " << t;
    EXPECT_EQ(us(y), t);
    previous = t;
  }
}

TEST(Time, EpochUnitsConvertAndOverflowIsAnError) {
  EXPECT_EQ(*epoch_to_us(int64_t{1795515300}, EpochUnit::kSeconds), 1795515300000000);
  EXPECT_EQ(*epoch_to_us(int64_t{1795515300123}, EpochUnit::kMilliseconds), 1795515300123000);
  EXPECT_EQ(*epoch_to_us(int64_t{1795515300123456789}, EpochUnit::kNanoseconds), 1795515300123456);
  EXPECT_EQ(*epoch_to_us(int64_t{-1}, EpochUnit::kNanoseconds), -1);  // floor, not toward zero
  EXPECT_EQ(*epoch_to_us(1.5, EpochUnit::kSeconds), 1500000);
  EXPECT_FALSE(epoch_to_us(int64_t{INT64_MAX / 10}, EpochUnit::kSeconds));
  EXPECT_FALSE(epoch_to_us(1e300, EpochUnit::kSeconds));
}

TEST(Time, CivilDaysRoundTrip) {
  for (int64_t d : {int64_t{-719468}, int64_t{-1}, int64_t{0}, int64_t{20416}, int64_t{2932896}}) {
    int64_t y;
    unsigned m, day;
    civil_from_days(d, &y, &m, &day);
    EXPECT_EQ(days_from_civil(y, m, day), d);
  }
}

}  // namespace
}  // namespace sluice

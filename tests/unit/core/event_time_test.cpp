#include "core/event_time.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

Event event_with(Arena& arena, Value ts) {
  ObjectBuilder b(arena);
  b.set(FieldNames::intern("ts"), ts);
  return Event{b.finish(), 0};
}

int64_t time_of(Value ts, TimeFormat format = TimeFormat::kAuto) {
  Arena arena;
  Event e = event_with(arena, ts);
  Status s = EventTime(FieldPath::parse("ts").value(), format).apply(e);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return e.time_us;
}

TEST(EventTime, ReadsStringsTimestampsAndEpochNumbersOfEveryUnit) {
  const int64_t expected = 1'795'514'400'000'000;  // 2026-11-24T10:00:00Z
  EXPECT_EQ(time_of(Value::string("2026-11-24T10:00:00Z")), expected);
  EXPECT_EQ(time_of(Value::string("2026-11-24T17:00:00+07:00")), expected);
  EXPECT_EQ(time_of(Value::timestamp(expected)), expected);
  EXPECT_EQ(time_of(Value::integer(1'795'514'400)), expected);
  EXPECT_EQ(time_of(Value::integer(1'795'514'400'000)), expected);
  EXPECT_EQ(time_of(Value::integer(1'795'514'400'000'000)), expected);
  EXPECT_EQ(time_of(Value::integer(1'795'514'400'000'000'000)), expected);
  EXPECT_EQ(time_of(Value::floating(1'795'514'400.5)), expected + 500'000);
  EXPECT_EQ(time_of(Value::integer(1'795'514'400), TimeFormat::kUnixSeconds), expected);
  EXPECT_EQ(time_of(Value::integer(1000), TimeFormat::kUnixMillis), 1'000'000);
}

TEST(EventTime, MissingFieldLeavesTheTimeAndBadValuesNameTheField) {
  Arena arena;
  Event e{ObjectBuilder(arena).finish(), 42};
  EventTime by_ts(FieldPath::parse("ts").value(), TimeFormat::kAuto);
  ASSERT_TRUE(by_ts.apply(e).is_ok());
  EXPECT_EQ(e.time_us, 42);
  Event bad = event_with(arena, Value::string("yesterday"));
  Status s = by_ts.apply(bad);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("time field"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ts"), std::string::npos) << s.message();
  Event boolean = event_with(arena, Value::boolean(true));
  EXPECT_FALSE(by_ts.apply(boolean).is_ok());
  Event number = event_with(arena, Value::integer(5));
  EXPECT_FALSE(EventTime(FieldPath::parse("ts").value(), TimeFormat::kRfc3339).apply(number).is_ok());
}

}  // namespace
}  // namespace sluice

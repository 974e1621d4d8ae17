#include <gtest/gtest.h>

#include "core/value.h"

namespace sluice {
namespace {

TEST(Value, IsSixteenBytesAndCopiesCheaply) {
  static_assert(sizeof(Value) == 16);
  Value a = Value::integer(5);
  Value b = a;
  EXPECT_EQ(b.as_int(), 5);
}

TEST(Value, IntAndDoubleCompareByNumericValue) {
  EXPECT_EQ(Value::integer(1), Value::floating(1.0));
  EXPECT_FALSE(Value::integer(1) == Value::floating(1.5));
  EXPECT_FALSE(Value::integer(1) == Value::string("1"));
  EXPECT_FALSE(Value::null() == Value::boolean(false));
}

TEST(Value, ObjectsCompareRegardlessOfFieldOrder) {
  Arena arena;
  FieldId a = FieldNames::intern("a"), b = FieldNames::intern("b");
  ObjectBuilder x(arena), y(arena);
  x.set(a, Value::integer(1));
  x.set(b, Value::string("two"));
  y.set(b, Value::string("two"));
  y.set(a, Value::integer(1));
  EXPECT_EQ(x.finish(), y.finish());
  ObjectBuilder z(arena);
  z.set(a, Value::integer(1));
  EXPECT_FALSE(x.finish() == z.finish());
}

TEST(Value, ObjectBuilderLastDuplicateWins) {
  Arena arena;
  FieldId k = FieldNames::intern("k");
  ObjectBuilder o(arena, 1);
  o.set(k, Value::integer(1));
  for (int i = 0; i < 100; ++i) o.set(FieldNames::intern("f" + std::to_string(i)), Value::integer(i));  // forces growth
  o.set(k, Value::integer(2));
  Value v = o.finish();
  EXPECT_EQ(v.size(), 101u);
  ASSERT_NE(v.find(k), nullptr);
  EXPECT_EQ(v.find(k)->as_int(), 2);
  EXPECT_EQ(v.find("f99")->as_int(), 99);
  EXPECT_EQ(v.find("absent"), nullptr);
}

TEST(Value, BigIntegerKeepsItsDigitsAndReadsAsDouble) {
  Arena arena;
  Value v = Value::big_integer(arena, 1.8446744073709552e19, arena.copy_string("18446744073709551616"));
  EXPECT_TRUE(v.is_double());
  EXPECT_EQ(v.big_integer_digits(), "18446744073709551616");
  EXPECT_DOUBLE_EQ(v.as_double(), 1.8446744073709552e19);
  EXPECT_TRUE(Value::floating(2.5).big_integer_digits().empty());
}

TEST(Value, DeepCopySurvivesTheSourceArena) {
  Arena target;
  Value copy;
  {
    Arena source;
    ObjectBuilder o(source);
    Value* items = source.allocate_array<Value>(2);
    items[0] = Value::string(source.copy_string("inner"));
    items[1] = Value::big_integer(source, 1e20, source.copy_string("100000000000000000000"));
    o.set(FieldNames::intern("list"), Value::array(items, 2));
    o.set(FieldNames::intern("name"), Value::string(source.copy_string("outer")));
    copy = deep_copy(o.finish(), target);
    std::memset(static_cast<void*>(items), 0xAB, sizeof(Value) * 2);  // scribble over the original
  }
  EXPECT_EQ(copy.find("name")->as_string(), "outer");
  EXPECT_EQ(copy.find("list")->as_array()[0].as_string(), "inner");
  EXPECT_EQ(copy.find("list")->as_array()[1].big_integer_digits(), "100000000000000000000");
}

TEST(Value, TypeNames) {
  EXPECT_STREQ(value_type_name(ValueType::kDouble), "float");
  EXPECT_STREQ(value_type_name(ValueType::kTimestamp), "timestamp");
}

}  // namespace
}  // namespace sluice

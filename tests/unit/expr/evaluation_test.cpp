#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "expr_harness.h"

namespace sluice::expr {
namespace {

using testing::eval;

constexpr std::string_view kEvent =
    R"({"status":503,"latency_ms":12.5,"route":"/api/orders","tags":["a","b","c"],"user":{"id":7,"name":"ana"},)"
    R"("nothing":null,"flag":true,"user-agent":"curl/8","big":9223372036854775807})";

TEST(ExpressionEvaluation, LiteralsKeepTheirTypes) {
  EXPECT_EQ(eval("42"), "42");
  EXPECT_EQ(eval("4.0"), "4.0");
  EXPECT_EQ(eval("-7"), "-7");
  EXPECT_EQ(eval("1e3"), "1000.0");
  EXPECT_EQ(eval(R"("a\"b\u00e9\ud83d\ude00")"), "\"a\\\"bé😀\"");
  EXPECT_EQ(eval("'single'"), "\"single\"");
  EXPECT_EQ(eval("true"), "true");
  EXPECT_EQ(eval("null"), "null");
  EXPECT_EQ(eval("[1, \"x\", null]"), R"([1,"x",null])");
  EXPECT_EQ(eval(R"({a: 1, "b c": [true]})"), R"({"a":1,"b c":[true]})");
}

TEST(ExpressionEvaluation, PathsReadFieldsAndMissingIsNull) {
  EXPECT_EQ(eval(".status", kEvent), "503");
  EXPECT_EQ(eval(".user.name", kEvent), "\"ana\"");
  EXPECT_EQ(eval(".tags[1]", kEvent), "\"b\"");
  EXPECT_EQ(eval(".tags[-1]", kEvent), "\"c\"");
  EXPECT_EQ(eval(".tags[9]", kEvent), "null");
  EXPECT_EQ(eval(R"(."user-agent")", kEvent), "\"curl/8\"");
  EXPECT_EQ(eval(".missing.deeper", kEvent), "null");
  EXPECT_EQ(eval(".status.inner", kEvent), "null");
  EXPECT_EQ(eval(".", R"({"a":1})"), R"({"a":1})");
}

TEST(ExpressionEvaluation, IndexingComputedValues) {
  EXPECT_EQ(eval(R"(split(.route, "/")[2])", kEvent), "\"orders\"");
  EXPECT_EQ(eval(R"(.user["name"])", kEvent), "\"ana\"");
  EXPECT_EQ(eval(R"(.user["nope"])", kEvent), "null");
  EXPECT_EQ(eval(".missing[0]", kEvent), "null");
  EXPECT_EQ(eval(R"(.tags["x"])", kEvent), "error: cannot index array with string (column 6)");
}

TEST(ExpressionEvaluation, IntegerArithmeticStaysIntegerAndChecksOverflow) {
  EXPECT_EQ(eval("1 + 2 * 3"), "7");
  EXPECT_EQ(eval("(1 + 2) * 3"), "9");
  EXPECT_EQ(eval("7 % 3"), "1");
  EXPECT_EQ(eval("-7 % 3"), "-1");
  EXPECT_EQ(eval("10 - 2 - 3"), "5");
  EXPECT_EQ(eval(".big + 1", kEvent), "error: integer overflow in 9223372036854775807 + 1 (column 6)");
  EXPECT_EQ(eval(".big * 2", kEvent), "error: integer overflow in 9223372036854775807 * 2 (column 6)");
  EXPECT_EQ(eval("-(.big) - 2", kEvent), "error: integer overflow in -9223372036854775807 - 2 (column 9)");
  EXPECT_EQ(eval("5 % 0"), "error: modulo by zero (column 3)");
}

TEST(ExpressionEvaluation, DivisionAlwaysGivesAFloat) {
  EXPECT_EQ(eval("7 / 2"), "3.5");
  EXPECT_EQ(eval("6 / 3"), "2.0");
  EXPECT_EQ(eval("1 / 0"), "error: division by zero (column 3)");
  EXPECT_EQ(eval("1.0 / 0.0"), "error: division by zero (column 5)");
  EXPECT_EQ(eval(".latency_ms * 2", kEvent), "25.0");
  EXPECT_EQ(eval(".status + 0.5", kEvent), "503.5");
  EXPECT_EQ(eval("1e308 * 10.0"), "error: the result is not a finite number (column 7)");
}

TEST(ExpressionEvaluation, StringsConcatenateWithPlus) {
  EXPECT_EQ(eval(R"(.user.name + "@" + "example.com")", kEvent), "\"ana@example.com\"");
  EXPECT_EQ(eval(R"(.user.name + .status)", kEvent), "error: cannot add string and int (column 12)");
}

TEST(ExpressionEvaluation, ComparisonsAcrossNumericTypes) {
  EXPECT_EQ(eval("1 == 1.0"), "true");
  EXPECT_EQ(eval("2 > 1.5"), "true");
  EXPECT_EQ(eval("9007199254740993 > 9007199254740992.0"), "true");
  EXPECT_EQ(eval(R"("abc" < "abd")"), "true");
  EXPECT_EQ(eval(R"(1 == "1")"), "false");
  EXPECT_EQ(eval(R"(1 != "1")"), "true");
  EXPECT_EQ(eval("null == null"), "true");
  EXPECT_EQ(eval(".nothing == null", kEvent), "true");
  EXPECT_EQ(eval(".missing == null", kEvent), "true");
  EXPECT_EQ(eval("[1, 2] == [1, 2.0]"), "true");
}

TEST(ExpressionEvaluation, OrderingIncompatibleTypesIsAnError) {
  EXPECT_EQ(eval(".missing >= 500", kEvent), "error: cannot compare null with int using >= (column 10)");
  EXPECT_EQ(eval(".route < 5", kEvent), "error: cannot compare string with int using < (column 8)");
}

TEST(ExpressionEvaluation, LogicalOperatorsShortCircuit) {
  // The right side would fail; short-circuit means it is never evaluated.
  EXPECT_EQ(eval("false && (.missing > 1)", kEvent), "false");
  EXPECT_EQ(eval("true || (.missing > 1)", kEvent), "true");
  EXPECT_EQ(eval("true && .flag", kEvent), "true");
  EXPECT_EQ(eval("!.flag", kEvent), "false");
  EXPECT_EQ(eval(".status >= 500 && starts_with(.route, \"/api\")", kEvent), "true");
  EXPECT_EQ(eval("true && .status", kEvent), "error: '&&' needs a boolean, got int (column 6)");
  EXPECT_EQ(eval("!.status", kEvent), "error: '!' needs a boolean, got int (column 1)");
}

TEST(ExpressionEvaluation, PrecedenceOfAndOverOr) {
  EXPECT_EQ(eval("true || false && false"), "true");
  EXPECT_EQ(eval("(true || false) && false"), "false");
  EXPECT_EQ(eval("1 + 2 == 3 && 2 * 2 > 3"), "true");
}

TEST(ExpressionEvaluation, NullCoalesceCatchesNullAndErrors) {
  EXPECT_EQ(eval(".missing ?? 5", kEvent), "5");
  EXPECT_EQ(eval(".nothing ?? \"x\"", kEvent), "\"x\"");
  EXPECT_EQ(eval(".status ?? 0", kEvent), "503");
  EXPECT_EQ(eval("to_int(.route) ?? -1", kEvent), "-1");
  EXPECT_EQ(eval(".missing ?? 0 > 5", kEvent), "false");
  EXPECT_EQ(eval(".a ?? .b ?? \"last\"", kEvent), "\"last\"");
}

TEST(ExpressionEvaluation, IfElseChoosesABranch) {
  EXPECT_EQ(eval(R"(if .status >= 500 { "error" } else { "ok" })", kEvent), "\"error\"");
  EXPECT_EQ(eval(R"(if .status < 400 { "ok" } else if .status < 500 { "client" } else { "server" })", kEvent),
            "\"server\"");
  EXPECT_EQ(eval(R"(if .status < 400 { "ok" })", kEvent), "null");
  EXPECT_EQ(eval(R"(if .route { 1 } else { 2 })", kEvent), "error: 'if' needs a boolean, got string (column 1)");
}

TEST(ExpressionEvaluation, ExistsDistinguishesNullFromMissing) {
  EXPECT_EQ(eval("exists(.nothing)", kEvent), "true");
  EXPECT_EQ(eval("exists(.missing)", kEvent), "false");
  EXPECT_EQ(eval("exists(.user.id)", kEvent), "true");
  EXPECT_EQ(eval("is_null(.nothing) && is_null(.missing)", kEvent), "true");
}

TEST(ExpressionEvaluation, TimestampArithmeticIsInMicroseconds) {
  EXPECT_EQ(eval(R"(parse_timestamp("2026-01-01T00:00:01Z") - parse_timestamp("2026-01-01T00:00:00Z"))"), "1000000");
  EXPECT_EQ(eval(R"(parse_timestamp("2026-01-01T00:00:00Z") + 1500000)"), "\"2026-01-01T00:00:01.500000Z\"");
  EXPECT_EQ(eval(R"(parse_timestamp("2026-01-01T00:00:00Z") < parse_timestamp("2026-01-02T00:00:00Z"))"), "true");
}

TEST(ExpressionEvaluation, ConditionTestReportsNonBooleans) {
  std::vector<ExprError> errors;
  auto e = Expression::compile(".status", &errors);
  ASSERT_TRUE(e);
  Arena arena;
  Value event = testing::parse_event(arena, kEvent);
  std::string error;
  EXPECT_EQ(e->test(event, arena, &error), -1);
  EXPECT_EQ(error, "the condition yielded int, not a boolean");
  auto c = Expression::compile(".flag", &errors);
  EXPECT_EQ(c->test(event, arena, &error), 1);
}

TEST(ExpressionEvaluation, OneExpressionIsSafeToShareAcrossThreads) {
  std::vector<ExprError> errors;
  auto e = Expression::compile(R"(regex_match(.route, "^/api/") && length(split(.route, "/")) == 3)", &errors);
  ASSERT_TRUE(e);
  std::vector<std::thread> threads;
  std::atomic<int> trues{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Arena arena;
      Value event = testing::parse_event(arena, kEvent);
      std::string error;
      for (int i = 0; i < 2000; ++i) trues += e->test(event, arena, &error) == 1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(trues.load(), 8000);
}

}  // namespace
}  // namespace sluice::expr

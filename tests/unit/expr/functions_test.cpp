#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/expr/function_registry.h"
#include "expr_harness.h"

namespace sluice::expr {
namespace {

using testing::eval;

// Each function's documented example, run on the documented sample event.
TEST(ExpressionFunctions, EveryDocumentedExampleGivesItsDocumentedResult) {
  for (const FunctionSpec& spec : builtin_functions()) {
    if (spec.example_result.empty()) continue;
    EXPECT_EQ(eval(spec.example, example_event_json()), spec.example_result) << spec.example;
  }
}

TEST(ExpressionFunctions, EveryFunctionIsDocumentedWithItsExample) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/expressions.md");
  ASSERT_TRUE(in) << "docs/expressions.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const FunctionSpec& spec : builtin_functions()) {
    EXPECT_NE(doc.str().find(std::string(spec.signature)), std::string::npos) << spec.signature;
    EXPECT_NE(doc.str().find(std::string(spec.example)), std::string::npos) << spec.example;
    if (!spec.example_result.empty()) {
      EXPECT_NE(doc.str().find(std::string(spec.example_result)), std::string::npos) << spec.example_result;
    }
  }
}

TEST(ExpressionFunctions, StringFunctions) {
  EXPECT_EQ(eval(R"(lower("MiXeD É"))"), "\"mixed É\"");
  EXPECT_EQ(eval(R"(trim("  \t x y \n"))"), "\"x y\"");
  EXPECT_EQ(eval(R"(contains("abc", "bc"))"), "true");
  EXPECT_EQ(eval(R"(contains([1, 2], 2.0))"), "true");
  EXPECT_EQ(eval(R"(replace("aaa", "a", "bb"))"), "\"bbbbbb\"");
  EXPECT_EQ(eval(R"(replace("abc", "x", "y"))"), "\"abc\"");
  EXPECT_EQ(eval(R"(replace("a-b-c", "-", ""))"), "\"abc\"");  // an empty replacement
  EXPECT_EQ(eval(R"(replace("abc", "", "y"))"), "error: replace: the text to replace (argument 2) is empty (column 1)");
  EXPECT_EQ(eval(R"(split("a,,b", ","))"), R"(["a","","b"])");
  EXPECT_EQ(eval(R"(split("", ","))"), R"([""])");
  EXPECT_EQ(eval(R"(join([1, "x", true, null], "-"))"), "\"1-x-true-\"");
  EXPECT_EQ(eval(R"(length("héllo"))"), "5");
  EXPECT_EQ(eval(R"(length({a: 1}))"), "1");
  EXPECT_EQ(eval("length(.missing)"), "error: length: argument 1 must be a string, array or object, got null (column 1)");
  EXPECT_EQ(eval("starts_with(.missing, \"x\")"), "error: starts_with: argument 1 must be a string, got null (column 1)");
}

TEST(ExpressionFunctions, Conversions) {
  EXPECT_EQ(eval(R"(to_int("-42"))"), "-42");
  EXPECT_EQ(eval(R"(to_int("+7"))"), "7");
  EXPECT_EQ(eval("to_int(3.99)"), "3");
  EXPECT_EQ(eval("to_int(-3.99)"), "-3");
  EXPECT_EQ(eval(R"(to_int("4.5"))"), "error: to_int: \"4.5\" is not an integer (column 1)");
  EXPECT_EQ(eval(R"(to_int("99999999999999999999"))"),
            "error: to_int: \"99999999999999999999\" is out of the 64-bit integer range (column 1)");
  EXPECT_EQ(eval("to_int(1e300)"), "error: to_int: " + std::to_string(1e300) + " is out of the 64-bit integer range (column 1)");
  EXPECT_EQ(eval("to_int(.missing)"), "error: to_int: cannot convert null to int (column 1)");
  EXPECT_EQ(eval(R"(to_float("2.5e3"))"), "2500.0");
  EXPECT_EQ(eval(R"(to_float("nan"))"), "error: to_float: \"nan\" is not a finite number (column 1)");
  EXPECT_EQ(eval("to_string(1.5)"), "\"1.5\"");
  EXPECT_EQ(eval("to_string(null)"), "\"\"");
  EXPECT_EQ(eval("to_string([1,{a:2}])"), R"("[1,{\"a\":2}]")");
  EXPECT_EQ(eval(R"(to_bool("OFF"))"), "false");
  EXPECT_EQ(eval(R"(to_bool("maybe"))"), "error: to_bool: \"maybe\" is not a boolean (true/false, yes/no, on/off, 1/0) (column 1)");
  EXPECT_EQ(eval("to_bool(0.0)"), "false");
}

TEST(ExpressionFunctions, Timestamps) {
  EXPECT_EQ(eval(R"(parse_timestamp("2026-11-24T10:15:00.5+07:00"))"), "\"2026-11-24T03:15:00.500000Z\"");
  EXPECT_EQ(eval(R"(parse_timestamp(1764000000, "s"))"), "\"2025-11-24T16:00:00Z\"");
  EXPECT_EQ(eval(R"(parse_timestamp(1764000000123, "ms"))"), "\"2025-11-24T16:00:00.123000Z\"");
  EXPECT_EQ(eval(R"(parse_timestamp("1764000000", "s"))"), "\"2025-11-24T16:00:00Z\"");
  EXPECT_EQ(eval(R"(parse_timestamp("24/11/2026 10:15:30", "%d/%m/%Y %H:%M:%S"))"), "\"2026-11-24T10:15:30Z\"");
  EXPECT_EQ(eval(R"(parse_timestamp("24/11/2026", "%Y-%m-%d"))"),
            "error: parse_timestamp: \"24/11/2026\" does not match the format \"%Y-%m-%d\" (column 1)");
  EXPECT_EQ(eval(R"(parse_timestamp("yesterday"))"),
            "error: parse_timestamp: invalid timestamp \"yesterday\": expected a 4-digit year at offset 0 (column 1)");
  EXPECT_EQ(eval("parse_timestamp(12)"),
            "error: parse_timestamp: a number needs its unit as argument 2: \"s\", \"ms\", \"us\" or \"ns\" (column 1)");
  EXPECT_EQ(eval(R"(format_timestamp(parse_timestamp("2026-11-24T10:15:00.123456Z"), "%H:%M:%S.%f"))"),
            "\"10:15:00.123456\"");
  EXPECT_EQ(eval(R"(format_timestamp(parse_timestamp("1969-12-31T23:59:59.5Z"), "%S.%f"))"), "\"59.500000\"");
  EXPECT_EQ(eval("now() > parse_timestamp(\"2026-01-01T00:00:00Z\")"), "true");
}

TEST(ExpressionFunctions, Numbers) {
  EXPECT_EQ(eval("round(2.5)"), "3");
  EXPECT_EQ(eval("round(-2.5)"), "-3");
  EXPECT_EQ(eval("round(3.14159, 2)"), "3.14");
  EXPECT_EQ(eval("floor(-1.5)"), "-2");
  EXPECT_EQ(eval("ceil(1.2)"), "2");
  EXPECT_EQ(eval("abs(-4)"), "4");
  EXPECT_EQ(eval("abs(-4.5)"), "4.5");
  EXPECT_EQ(eval("floor(1e300)"), "error: floor: result " + std::to_string(1e300) + " is out of the 64-bit integer range (column 1)");
  EXPECT_EQ(eval("round(.missing)"), "error: round: argument 1 must be a number, got null (column 1)");
}

TEST(ExpressionFunctions, Hashes) {
  EXPECT_EQ(eval(R"(sha256(""))"), "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"");
  // RFC 4231 test case 2.
  EXPECT_EQ(eval(R"(hmac_sha256("what do ya want for nothing?", "Jefe"))"),
            "\"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\"");
}

TEST(ExpressionFunctions, Regexes) {
  EXPECT_EQ(eval(R"(regex_match("GET /x", "^(GET|POST) "))"), "true");
  EXPECT_EQ(eval(R"(regex_match("PUT /x", "^(GET|POST) "))"), "false");
  EXPECT_EQ(eval(R"x(regex_capture("k=v", "(\\w+)=(\\w+)"))x"), R"(["k","v"])");
  EXPECT_EQ(eval(R"x(regex_capture("nothing", "(\\d+)"))x"), "null");
  EXPECT_EQ(eval(R"x(regex_capture("a", "(?P<x>a)|(?P<y>b)"))x"), R"({"x":"a","y":null})");
}

TEST(ExpressionFunctions, CoalesceSkipsNulls) {
  EXPECT_EQ(eval("coalesce(null, .missing, 3, 4)"), "3");
  EXPECT_EQ(eval("coalesce(null)"), "null");
}

}  // namespace
}  // namespace sluice::expr

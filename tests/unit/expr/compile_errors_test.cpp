#include <gtest/gtest.h>

#include "expr_harness.h"

namespace sluice::expr {
namespace {

using testing::compile_error;
using testing::compile_errors;

TEST(ExpressionCompile, ValidExpressionsCompile) {
  for (const char* text : {".status >= 500 && starts_with(.route, \"/api\")", "if .a { 1 } else { 2 }",
                           "coalesce(.a, .b, .c, 1)", "[.a, {x: .b}]", "  .a  # trailing comment", "-.x", "!(.a == 1)"}) {
    EXPECT_EQ(compile_error(text), "") << text;
  }
}

TEST(ExpressionCompile, SyntaxErrorsPointAtTheProblem) {
  EXPECT_EQ(compile_error(""), "1:1: the expression is empty");
  EXPECT_EQ(compile_error(".status >="), "1:11: expected a value, got the end of the expression");
  EXPECT_EQ(compile_error(".a = 1"), "1:4: unexpected '='");
  EXPECT_EQ(compile_error(".a & .b"), "1:4: unexpected '&'");
  EXPECT_EQ(compile_error("(.a + 1"), "1:8: expected ')' to close '(', got the end of the expression");
  EXPECT_EQ(compile_error(".a .b"), "1:4: unexpected '.b' after a complete expression");
  EXPECT_EQ(compile_error("\"open"), "1:1: unterminated string");
  EXPECT_EQ(compile_error("\"bad \\q\""), "1:6: unknown escape \\q in string");
  EXPECT_EQ(compile_error("99999999999999999999"), "1:1: integer 99999999999999999999 does not fit in 64 bits");
  EXPECT_EQ(compile_error("12abc"), "1:3: unexpected 'a' after a number");
  EXPECT_EQ(compile_error("status > 1"), "1:1: unknown name 'status'");
  EXPECT_EQ(compile_error("if .a { 1 "), "1:11: expected '}' to close the 'if' branch, got the end of the expression");
  EXPECT_EQ(compile_error("if .a 1"), "1:7: expected '{' after the condition of 'if', got '1'");
}

TEST(ExpressionCompile, ErrorsOnLaterLinesHaveLineAndColumn) {
  EXPECT_EQ(compile_error("(.a > 1) &&\n  (.b == )"), "2:10: expected a value, got ')'");
}

TEST(ExpressionCompile, HintsSuggestTheFix) {
  auto errors = compile_errors("status > 1");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].hint, "field paths start with a dot: .status; strings are quoted: \"status\"");
  errors = compile_errors(".a = 1");
  EXPECT_EQ(errors[0].hint, "compare with '==' (there is no assignment inside an expression)");
}

TEST(ExpressionCompile, UnknownFunctionSuggestsTheClosest) {
  EXPECT_EQ(compile_error("lowr(.a)"), "1:1: unknown function 'lowr' (did you mean \"lower\"?)");
  EXPECT_EQ(compile_error("frobnicate(.a)"), "1:1: unknown function 'frobnicate'");
}

TEST(ExpressionCompile, ArgumentCountIsChecked) {
  EXPECT_EQ(compile_error("lower(.a, .b)"), "1:1: lower() takes 1 argument, got 2");
  EXPECT_EQ(compile_error("replace(.a)"), "1:1: replace() takes 3 arguments, got 1");
  EXPECT_EQ(compile_error("round()"), "1:1: round() takes 1 to 2 arguments, got 0");
  EXPECT_EQ(compile_error("coalesce()"), "1:1: coalesce() takes at least 1 arguments, got 0");
}

TEST(ExpressionCompile, TypeErrorsAreFoundBeforeAnyEvent) {
  EXPECT_EQ(compile_error("\"a\" - 1"), "1:5: cannot subtract int from string");
  EXPECT_EQ(compile_error("\"a\" + 1"), "1:5: cannot add string and int; convert with to_string()");
  EXPECT_EQ(compile_error("1 < \"a\""), "1:3: cannot compare int with string using <");
  EXPECT_EQ(compile_error("lower(5)"), "1:7: lower() argument 1 cannot be int");
  EXPECT_EQ(compile_error("1 && .a"), "1:1: '&&' needs booleans, but this is int");
  EXPECT_EQ(compile_error("!\"x\""), "1:1: '!' needs a boolean, but its operand is string");
  EXPECT_EQ(compile_error("if 1 { 2 }"), "1:4: the condition of 'if' must be a boolean, but this is int");
  EXPECT_EQ(compile_error("exists(\"x\")"), "1:8: exists() needs a field path such as .user.email");
  EXPECT_EQ(compile_error("5[0]"), "1:2: cannot index into int");
}

TEST(ExpressionCompile, EveryTypeErrorIsReportedAtOnce) {
  auto errors = compile_errors("lower(1) + upper(2) + (\"a\" - 1)");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].column, 7);
  EXPECT_EQ(errors[1].column, 18);
  EXPECT_EQ(errors[2].column, 28);
}

TEST(ExpressionCompile, RegexPatternsAreCheckedAtLoad) {
  EXPECT_EQ(compile_error(R"(regex_match(.a, "(unclosed"))"), "1:17: regex_match(): invalid regular expression: missing ): (unclosed");
  EXPECT_EQ(compile_error(R"(regex_match(.a, .pattern))"), "1:17: regex_match() argument 2 must be a string literal");
}

TEST(ExpressionCompile, ResultTypesAreInferred) {
  std::vector<ExprError> errors;
  auto type_of_text = [&](std::string_view text) { return Expression::compile(text, &errors)->result_type(); };
  EXPECT_EQ(type_of_text(".a > 1"), Type::kBool);
  EXPECT_EQ(type_of_text("1 + 2"), Type::kInt);
  EXPECT_EQ(type_of_text("1 + 2.0"), Type::kFloat);
  EXPECT_EQ(type_of_text(".a / 2"), Type::kFloat);
  EXPECT_EQ(type_of_text(".a"), Type::kAny);
  EXPECT_EQ(type_of_text("lower(.a)"), Type::kString);
  EXPECT_EQ(type_of_text(".a + \"x\""), Type::kString);
  EXPECT_EQ(type_of_text("if .c { 1 } else { 2 }"), Type::kInt);
  EXPECT_EQ(type_of_text("if .c { 1 } else { \"x\" }"), Type::kAny);
  EXPECT_EQ(type_of_text("round(.x, 2)"), Type::kFloat);
}

TEST(ExpressionCompile, ReferencedPathsAreListedOnceInOrder) {
  std::vector<ExprError> errors;
  auto e = Expression::compile(R"(.a.b > 1 && exists(.c) || lower(."d e") == .a.b)", &errors);
  ASSERT_TRUE(e);
  std::vector<std::string> paths;
  for (const FieldPath& p : e->referenced_paths()) paths.push_back(p.to_string());
  EXPECT_EQ(paths, (std::vector<std::string>{".a.b", ".c", ".\"d e\""}));
}

TEST(ExpressionCompile, DeepNestingIsRejectedNotACrash) {
  std::string deep(10000, '(');
  EXPECT_NE(compile_error(deep + "1"), "");
  EXPECT_NE(compile_error(std::string(10000, '!') + "true").find("nested deeper than 64 levels"), std::string::npos);
  EXPECT_EQ(compile_error(std::string(20, '(') + "1" + std::string(20, ')')), "");
}

}  // namespace
}  // namespace sluice::expr

namespace sluice::expr {
namespace {

TEST(ExpressionCompile, ConditionsThatCanNeverBeBooleanAreKnown) {
  std::vector<ExprError> errors;
  auto may_be_bool = [&](std::string_view text) { return Expression::compile(text, &errors)->may_yield_bool(); };
  EXPECT_TRUE(may_be_bool(".flag"));
  EXPECT_TRUE(may_be_bool(".a == 1"));
  EXPECT_TRUE(may_be_bool(".a ?? false"));
  EXPECT_TRUE(may_be_bool("coalesce(.a, .b)"));
  EXPECT_FALSE(may_be_bool(".status + 1"));
  EXPECT_FALSE(may_be_bool("-.a"));
  EXPECT_FALSE(may_be_bool("lower(.a)"));
  EXPECT_FALSE(may_be_bool("if .c { .a * 2 } else { 3 }"));
  EXPECT_FALSE(may_be_bool(".a / 2 ?? 0"));
}

}  // namespace
}  // namespace sluice::expr

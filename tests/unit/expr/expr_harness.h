// Helpers for expression tests: compile an expression, run it on an event given
// as JSON, and get the result as JSON text or the error message.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/expr/expression.h"
#include "format/json_reader.h"
#include "format/json_writer.h"

namespace sluice::expr::testing {

inline Value parse_event(Arena& arena, std::string_view json) {
  format::JsonReader reader;
  Value v;
  Status s = reader.read_object(json, arena, &v);
  EXPECT_TRUE(s.is_ok()) << s.message() << " in " << json;
  return v;
}

// The first compile error as "line:column: message", or "" when it compiles.
inline std::string compile_error(std::string_view text) {
  std::vector<ExprError> errors;
  auto e = Expression::compile(text, &errors);
  if (e) return "";
  if (errors.empty()) return "<no error reported>";
  return std::to_string(errors[0].line) + ":" + std::to_string(errors[0].column) + ": " + errors[0].message;
}

inline std::vector<ExprError> compile_errors(std::string_view text) {
  std::vector<ExprError> errors;
  auto e = Expression::compile(text, &errors);
  if (e) return {};
  return errors;
}

// The result as JSON, or "error: <message>" when evaluation fails.
inline std::string eval(std::string_view text, std::string_view event_json = "{}") {
  std::vector<ExprError> errors;
  auto e = Expression::compile(text, &errors);
  if (!e) {
    ADD_FAILURE() << "does not compile: " << text << ": " << (errors.empty() ? "" : errors[0].message);
    return "<compile error>";
  }
  Arena arena;
  Value event = parse_event(arena, event_json);
  Value out;
  std::string error;
  if (!e->evaluate(event, arena, &out, &error)) return "error: " + error;
  return format::to_json(out);
}

}  // namespace sluice::expr::testing

// Expression: the small language every transform uses to read and compute event
// fields, e.g. `.status >= 500 && starts_with(.route, "/api")`.
//
// An expression is parsed and type-checked once, when the pipeline loads; errors
// carry the line and column inside the expression text and a hint. The compiled
// form is immutable, so one Expression is evaluated by any number of threads at
// once without locking.
//
// Evaluation never throws. A problem with one event (a missing field compared with
// a number, an integer overflow, a string that is not a number) is returned as an
// error message, so the calling transform can dead-letter that event with the
// reason and carry on with the next. Values the expression creates (new strings,
// arrays) are allocated in the caller's arena, normally the batch's; a result may
// also point into the event itself or into the expression's string literals, so
// the Expression must outlive the batches it produced values for (transforms own
// their expressions for the life of the pipeline).
//
// The language is described in docs/expressions.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/field_path.h"
#include "core/value.h"

namespace sluice::expr {

// Static types. kAny is "only known at run time" (a field path, for instance).
enum class Type : uint8_t { kAny, kNull, kBool, kInt, kFloat, kString, kTimestamp, kArray, kObject };

const char* type_name(Type type);
Type type_of(const Value& value);

struct ExprError {
  int line = 1;    // 1-based, inside the expression text
  int column = 1;  // 1-based, in bytes
  std::string message;
  std::string hint;  // may be empty
};

struct Node;

class Expression {
 public:
  // Parses and type-checks `text`. On failure returns nullptr and appends every
  // problem found to *errors (a syntax error stops parsing; type errors are all
  // reported).
  static std::shared_ptr<const Expression> compile(std::string_view text, std::vector<ExprError>* errors);

  ~Expression();
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  const std::string& text() const { return text_; }
  Type result_type() const;
  // False when the expression can be proven never to yield a boolean even though
  // its exact type is only known at run time (`.status + 1`): such a condition is
  // rejected when the pipeline loads instead of failing on every event.
  bool may_yield_bool() const;

  // Every field path the expression reads, in order of appearance, without
  // duplicates; used by lineage and governance to follow fields through the graph.
  std::vector<FieldPath> referenced_paths() const;

  // Evaluates against `event`. Returns false and sets *error when this event
  // cannot be evaluated; *out is untouched then.
  bool evaluate(const Value& event, Arena& arena, Value* out, std::string* error) const;

  // For conditions: 1 when the expression yields true, 0 for false, -1 with
  // *error set when evaluation fails or yields something other than a boolean.
  int test(const Value& event, Arena& arena, std::string* error) const;

 private:
  Expression();
  friend class Compiler;

  std::string text_;
  std::unique_ptr<Arena> literals_;  // memory of string literals and constant folding
  std::vector<std::unique_ptr<Node>> nodes_;
  const Node* root_ = nullptr;
};

using ExpressionPtr = std::shared_ptr<const Expression>;

}  // namespace sluice::expr

// The built-in functions of the expression language: their signatures for the
// type checker, their implementations for the evaluator, and the documented
// example of each (tested against docs/expressions.md).
//
// An implementation gets already-evaluated arguments and returns false with a
// message in *ctx.error when this event's arguments are unusable. It allocates
// new strings and arrays in ctx.arena and must never throw.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/expr/expression.h"
#include "core/value.h"

namespace sluice::expr {

struct CallContext {
  Arena& arena;
  std::string* error;
  const void* prepared;  // Node::prepared of the call site, or nullptr
};

using FunctionImpl = bool (*)(const CallContext& ctx, std::span<const Value> args, Value* out);

// Set of types an argument accepts, as a bit mask of (1 << Type).
using TypeMask = uint16_t;
constexpr TypeMask mask_of(Type t) { return TypeMask(1u << static_cast<unsigned>(t)); }
constexpr TypeMask kAnyType = 0xFFFF;
constexpr TypeMask kNumeric = mask_of(Type::kInt) | mask_of(Type::kFloat);

// Builds per-call-site state from the literal arguments (for example a compiled
// regex). Returns nullptr and sets *error when they are unusable.
using Prepare = std::shared_ptr<const void> (*)(std::span<const Value> literal_args, std::string* error);

struct FunctionSpec {
  std::string_view name;
  int min_args = 0;
  int max_args = 0;                 // -1: any number
  std::vector<TypeMask> arg_types;  // per position; the last repeats for variadic calls
  Type result = Type::kAny;
  bool result_follows_args = false; // result is the common type of the arguments (coalesce, abs)
  FunctionImpl impl = nullptr;
  Prepare prepare = nullptr;        // when set, arguments from position 1 on must be literals
  std::string_view signature;       // `lower(s: string) -> string`
  std::string_view summary;
  std::string_view example;         // an expression over the documented sample event
  std::string_view example_result;  // its result as JSON; empty when it varies (now())
};

// Every built-in function, in documentation order.
const std::vector<FunctionSpec>& builtin_functions();
const FunctionSpec* find_function(std::string_view name);
std::vector<std::string> function_names();

// The sample event the documented examples run against.
std::string_view example_event_json();

// Argument helpers for implementations: false with a message naming the function,
// the argument position and the type it got.
bool expect_string(const CallContext& ctx, std::string_view function, std::span<const Value> args, size_t i);
bool expect_number(const CallContext& ctx, std::string_view function, std::span<const Value> args, size_t i);
bool fail(const CallContext& ctx, std::string message);

}  // namespace sluice::expr

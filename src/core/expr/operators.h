// Operators: what `+ - * / % == != < <= > >=` do with each pair of types, both at
// compile time (static types, to reject `"a" - 1` before any event flows) and at
// run time (values).
//
// Rules: integers stay integers (overflow is an error, never a wrap); an int and a
// float give a float; `/` always gives a float; division by zero is an error;
// `+` also joins strings and moves a timestamp by microseconds; a timestamp minus
// a timestamp is their distance in microseconds. `==` between different types is
// false (but 1 == 1.0); ordering needs two numbers, two strings or two timestamps.
#pragma once

#include <string>

#include "core/arena.h"
#include "core/expr/expression.h"
#include "core/expr/node.h"
#include "core/value.h"

namespace sluice::expr {

// Static result type of `a op b`, or false with *error when no values of these
// types can be combined.
bool binary_result_type(BinaryOp op, Type a, Type b, Type* result, std::string* error);

// Applies `op`; false with *error (without position) when these values cannot be
// combined.
bool apply_binary(BinaryOp op, const Value& a, const Value& b, Arena& arena, Value* out, std::string* error);

}  // namespace sluice::expr

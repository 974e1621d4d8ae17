// Implementations of the built-in functions, grouped by file:
// string_functions.cpp, conversion_functions.cpp, time_functions.cpp,
// math_functions.cpp, hash_functions.cpp, regex_functions.cpp. The table that
// names and documents them is in function_registry.cpp.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/expr/function_registry.h"

namespace sluice::expr::functions {

#define SLUICE_EXPR_FUNCTION(name) bool name(const CallContext& ctx, std::span<const Value> args, Value* out)

SLUICE_EXPR_FUNCTION(lower);
SLUICE_EXPR_FUNCTION(upper);
SLUICE_EXPR_FUNCTION(trim);
SLUICE_EXPR_FUNCTION(contains);
SLUICE_EXPR_FUNCTION(starts_with);
SLUICE_EXPR_FUNCTION(ends_with);
SLUICE_EXPR_FUNCTION(replace);
SLUICE_EXPR_FUNCTION(split);
SLUICE_EXPR_FUNCTION(join);
SLUICE_EXPR_FUNCTION(length);

SLUICE_EXPR_FUNCTION(to_int);
SLUICE_EXPR_FUNCTION(to_float);
SLUICE_EXPR_FUNCTION(to_string);
SLUICE_EXPR_FUNCTION(to_bool);
SLUICE_EXPR_FUNCTION(coalesce);
SLUICE_EXPR_FUNCTION(is_null);

SLUICE_EXPR_FUNCTION(parse_timestamp);
SLUICE_EXPR_FUNCTION(format_timestamp);
SLUICE_EXPR_FUNCTION(now);

SLUICE_EXPR_FUNCTION(round);
SLUICE_EXPR_FUNCTION(floor);
SLUICE_EXPR_FUNCTION(ceil);
SLUICE_EXPR_FUNCTION(abs);

SLUICE_EXPR_FUNCTION(sha256);
SLUICE_EXPR_FUNCTION(hmac_sha256);

SLUICE_EXPR_FUNCTION(regex_match);
SLUICE_EXPR_FUNCTION(regex_capture);
std::shared_ptr<const void> prepare_regex(std::span<const Value> literal_args, std::string* error);

#undef SLUICE_EXPR_FUNCTION

// Text of a scalar for to_string and join: strings as they are, numbers in their
// shortest exact form, timestamps in RFC 3339, arrays and objects as JSON.
void append_text(const Value& value, std::string& out);

}  // namespace sluice::expr::functions

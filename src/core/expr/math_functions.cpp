#include <cmath>
#include <limits>

#include "core/expr/functions.h"

namespace sluice::expr::functions {
namespace {

bool to_integer_result(const CallContext& ctx, std::string_view name, double d, Value* out) {
  if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
    return fail(ctx, std::string(name) + ": result " + std::to_string(d) + " is out of the 64-bit integer range");
  }
  *out = Value::integer(static_cast<int64_t>(d));
  return true;
}

}  // namespace

bool round(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_number(ctx, "round", args, 0)) return false;
  if (args.size() == 1) {
    if (args[0].is_int()) {
      *out = args[0];
      return true;
    }
    return to_integer_result(ctx, "round", std::round(args[0].as_double()), out);
  }
  if (!args[1].is_int()) {
    return fail(ctx, std::string("round: argument 2 (digits) must be an int, got ") + value_type_name(args[1].type()));
  }
  int64_t digits = args[1].as_int();
  if (digits < 0 || digits > 15) return fail(ctx, "round: digits must be between 0 and 15, got " + std::to_string(digits));
  double scale = std::pow(10.0, double(digits));
  *out = Value::floating(std::round(args[0].as_number() * scale) / scale);
  return true;
}

bool floor(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_number(ctx, "floor", args, 0)) return false;
  if (args[0].is_int()) {
    *out = args[0];
    return true;
  }
  return to_integer_result(ctx, "floor", std::floor(args[0].as_double()), out);
}

bool ceil(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_number(ctx, "ceil", args, 0)) return false;
  if (args[0].is_int()) {
    *out = args[0];
    return true;
  }
  return to_integer_result(ctx, "ceil", std::ceil(args[0].as_double()), out);
}

bool abs(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_number(ctx, "abs", args, 0)) return false;
  if (args[0].is_int()) {
    int64_t n = args[0].as_int();
    if (n == std::numeric_limits<int64_t>::min()) return fail(ctx, "abs: integer overflow");
    *out = Value::integer(n < 0 ? -n : n);
    return true;
  }
  *out = Value::floating(std::fabs(args[0].as_double()));
  return true;
}

}  // namespace sluice::expr::functions

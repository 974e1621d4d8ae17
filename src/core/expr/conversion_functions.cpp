#include <charconv>
#include <cmath>

#include "core/expr/functions.h"
#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::expr::functions {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? char(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

std::string quoted(std::string_view s) {
  // Built with append: GCC 12 reports a false -Wrestrict on "\"" + std::string(...).
  constexpr size_t kShown = 40;
  std::string out;
  out.reserve(kShown + 8);
  out.push_back('"');
  out.append(s.substr(0, kShown));
  if (s.size() > kShown) out.append("…");
  out.push_back('"');
  return out;
}

// Doubles in [-2^63, 2^63) convert to int64 without overflow.
bool double_fits_int64(double d) { return d >= -9223372036854775808.0 && d < 9223372036854775808.0; }

}  // namespace

void append_text(const Value& value, std::string& out) {
  switch (value.type()) {
    case ValueType::kNull: return;
    case ValueType::kString: out += value.as_string(); return;
    case ValueType::kTimestamp: {
      char buf[kRfc3339MaxBytes];
      out.append(buf, format_rfc3339(value.as_timestamp_us(), buf));
      return;
    }
    default: format::append_json(value, out); return;
  }
}

bool to_int(const CallContext& ctx, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  switch (v.type()) {
    case ValueType::kInt: *out = v; return true;
    case ValueType::kBool: *out = Value::integer(v.as_bool() ? 1 : 0); return true;
    case ValueType::kTimestamp: *out = Value::integer(v.as_timestamp_us()); return true;
    case ValueType::kDouble: {
      double d = std::trunc(v.as_double());
      if (!std::isfinite(d) || !double_fits_int64(d)) {
        return fail(ctx, "to_int: " + std::to_string(v.as_double()) + " is out of the 64-bit integer range");
      }
      *out = Value::integer(static_cast<int64_t>(d));
      return true;
    }
    case ValueType::kString: {
      std::string_view s = v.as_string();
      std::string_view digits = !s.empty() && s[0] == '+' ? s.substr(1) : s;
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec == std::errc() && ptr == digits.data() + digits.size() && !digits.empty()) {
        *out = Value::integer(n);
        return true;
      }
      if (ec == std::errc::result_out_of_range) return fail(ctx, "to_int: " + quoted(s) + " is out of the 64-bit integer range");
      return fail(ctx, "to_int: " + quoted(s) + " is not an integer");
    }
    default:
      return fail(ctx, std::string("to_int: cannot convert ") + value_type_name(v.type()) + " to int");
  }
}

bool to_float(const CallContext& ctx, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  switch (v.type()) {
    case ValueType::kDouble: *out = Value::floating(v.as_double()); return true;
    case ValueType::kInt: *out = Value::floating(double(v.as_int())); return true;
    case ValueType::kBool: *out = Value::floating(v.as_bool() ? 1.0 : 0.0); return true;
    case ValueType::kTimestamp: *out = Value::floating(double(v.as_timestamp_us())); return true;
    case ValueType::kString: {
      std::string_view s = v.as_string();
      std::string_view digits = !s.empty() && s[0] == '+' ? s.substr(1) : s;
      double d = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
      if (ec == std::errc() && ptr == digits.data() + digits.size() && std::isfinite(d)) {
        *out = Value::floating(d);
        return true;
      }
      return fail(ctx, "to_float: " + quoted(s) + " is not a finite number");
    }
    default:
      return fail(ctx, std::string("to_float: cannot convert ") + value_type_name(v.type()) + " to float");
  }
}

bool to_string(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (args[0].is_string()) {
    *out = args[0];
    return true;
  }
  std::string text;
  append_text(args[0], text);
  *out = Value::string(ctx.arena.copy_string(text));
  return true;
}

bool to_bool(const CallContext& ctx, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  switch (v.type()) {
    case ValueType::kBool: *out = v; return true;
    case ValueType::kInt: *out = Value::boolean(v.as_int() != 0); return true;
    case ValueType::kDouble: *out = Value::boolean(v.as_double() != 0.0); return true;
    case ValueType::kString: {
      std::string_view s = v.as_string();
      for (std::string_view t : {"true", "yes", "on", "1", "y", "t"}) {
        if (equals_ignore_case(s, t)) {
          *out = Value::boolean(true);
          return true;
        }
      }
      for (std::string_view f : {"false", "no", "off", "0", "n", "f"}) {
        if (equals_ignore_case(s, f)) {
          *out = Value::boolean(false);
          return true;
        }
      }
      return fail(ctx, "to_bool: " + quoted(s) + " is not a boolean (true/false, yes/no, on/off, 1/0)");
    }
    default:
      return fail(ctx, std::string("to_bool: cannot convert ") + value_type_name(v.type()) + " to bool");
  }
}

bool coalesce(const CallContext&, std::span<const Value> args, Value* out) {
  for (const Value& v : args) {
    if (!v.is_null()) {
      *out = v;
      return true;
    }
  }
  *out = Value::null();
  return true;
}

bool is_null(const CallContext&, std::span<const Value> args, Value* out) {
  *out = Value::boolean(args[0].is_null());
  return true;
}

}  // namespace sluice::expr::functions

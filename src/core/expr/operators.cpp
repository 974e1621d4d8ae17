#include "core/expr/operators.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace sluice::expr {
namespace {

bool is_numeric(Type t) { return t == Type::kInt || t == Type::kFloat; }
bool is_arithmetic(BinaryOp op) { return op <= BinaryOp::kModulo; }
bool is_ordering(BinaryOp op) { return op >= BinaryOp::kLess; }

std::string cannot(BinaryOp op, const char* a, const char* b) {
  switch (op) {
    case BinaryOp::kAdd: return std::string("cannot add ") + a + " and " + b;
    case BinaryOp::kSubtract: return std::string("cannot subtract ") + b + " from " + a;
    case BinaryOp::kMultiply: return std::string("cannot multiply ") + a + " by " + b;
    case BinaryOp::kDivide: return std::string("cannot divide ") + a + " by " + b;
    case BinaryOp::kModulo: return std::string("cannot take ") + a + " modulo " + b;
    default: return std::string("cannot compare ") + a + " with " + b + " using " + binary_op_text(op);
  }
}

bool finite_result(double d, Value* out, std::string* error) {
  if (!std::isfinite(d)) {
    *error = "the result is not a finite number";
    return false;
  }
  *out = Value::floating(d);
  return true;
}

bool integer_arithmetic(BinaryOp op, int64_t a, int64_t b, Value* out, std::string* error) {
  int64_t r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      if (__builtin_add_overflow(a, b, &r)) break;
      *out = Value::integer(r);
      return true;
    case BinaryOp::kSubtract:
      if (__builtin_sub_overflow(a, b, &r)) break;
      *out = Value::integer(r);
      return true;
    case BinaryOp::kMultiply:
      if (__builtin_mul_overflow(a, b, &r)) break;
      *out = Value::integer(r);
      return true;
    case BinaryOp::kDivide:
      if (b == 0) {
        *error = "division by zero";
        return false;
      }
      return finite_result(double(a) / double(b), out, error);
    case BinaryOp::kModulo:
      if (b == 0) {
        *error = "modulo by zero";
        return false;
      }
      // INT64_MIN % -1 overflows in C++ although the answer is 0.
      *out = Value::integer(b == -1 ? 0 : a % b);
      return true;
    default: break;
  }
  *error = std::string("integer overflow in ") + std::to_string(a) + " " + binary_op_text(op) + " " + std::to_string(b);
  return false;
}

bool float_arithmetic(BinaryOp op, double a, double b, Value* out, std::string* error) {
  switch (op) {
    case BinaryOp::kAdd: return finite_result(a + b, out, error);
    case BinaryOp::kSubtract: return finite_result(a - b, out, error);
    case BinaryOp::kMultiply: return finite_result(a * b, out, error);
    case BinaryOp::kDivide:
      if (b == 0) {
        *error = "division by zero";
        return false;
      }
      return finite_result(a / b, out, error);
    case BinaryOp::kModulo:
      if (b == 0) {
        *error = "modulo by zero";
        return false;
      }
      return finite_result(std::fmod(a, b), out, error);
    default: return false;
  }
}

// Three-way comparison of an int with a double without losing precision for
// integers beyond 2^53.
int compare_int_double(int64_t i, double d) {
  if (std::isnan(d)) return 2;  // unordered
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);
  int64_t di = static_cast<int64_t>(t);
  if (i != di) return i < di ? -1 : 1;
  if (d == t) return 0;
  return d > t ? -1 : 1;
}

// -1, 0, 1, or 2 when unordered (NaN); false with *error when the types cannot be ordered.
bool three_way(const Value& a, const Value& b, int* result, std::string* error, BinaryOp op) {
  if (a.is_int() && b.is_int()) {
    *result = a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  } else if (a.is_number() && b.is_number()) {
    if (a.is_int()) {
      *result = compare_int_double(a.as_int(), b.as_double());
    } else if (b.is_int()) {
      int r = compare_int_double(b.as_int(), a.as_double());
      *result = r == 2 ? 2 : -r;
    } else {
      double x = a.as_double(), y = b.as_double();
      *result = std::isnan(x) || std::isnan(y) ? 2 : (x < y ? -1 : x > y);
    }
  } else if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    *result = c < 0 ? -1 : c > 0;
  } else if (a.is_timestamp() && b.is_timestamp()) {
    *result = a.as_timestamp_us() < b.as_timestamp_us() ? -1 : a.as_timestamp_us() > b.as_timestamp_us();
  } else {
    *error = cannot(op, value_type_name(a.type()), value_type_name(b.type()));
    return false;
  }
  return true;
}

bool concatenate(const Value& a, const Value& b, Arena& arena, Value* out) {
  std::string_view x = a.as_string(), y = b.as_string();
  if (x.empty()) {
    *out = b;
    return true;
  }
  if (y.empty()) {
    *out = a;
    return true;
  }
  char* p = static_cast<char*>(arena.allocate(x.size() + y.size(), 1));
  std::memcpy(p, x.data(), x.size());
  std::memcpy(p + x.size(), y.data(), y.size());
  *out = Value::string({p, x.size() + y.size()});
  return true;
}

bool shift_timestamp(int64_t ts, int64_t delta_us, bool subtract, Value* out, std::string* error) {
  int64_t r = 0;
  if (subtract ? __builtin_sub_overflow(ts, delta_us, &r) : __builtin_add_overflow(ts, delta_us, &r)) {
    *error = "timestamp out of range";
    return false;
  }
  *out = Value::timestamp(r);
  return true;
}

}  // namespace

const char* binary_op_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSubtract: return "-";
    case BinaryOp::kMultiply: return "*";
    case BinaryOp::kDivide: return "/";
    case BinaryOp::kModulo: return "%";
    case BinaryOp::kEqual: return "==";
    case BinaryOp::kNotEqual: return "!=";
    case BinaryOp::kLess: return "<";
    case BinaryOp::kLessEqual: return "<=";
    case BinaryOp::kGreater: return ">";
    case BinaryOp::kGreaterEqual: return ">=";
  }
  return "?";
}

bool binary_result_type(BinaryOp op, Type a, Type b, Type* result, std::string* error) {
  if (op == BinaryOp::kEqual || op == BinaryOp::kNotEqual) {
    *result = Type::kBool;
    return true;
  }
  if (is_ordering(op)) {
    *result = Type::kBool;
    if (a == Type::kAny || b == Type::kAny) return true;
    if ((is_numeric(a) && is_numeric(b)) || (a == b && (a == Type::kString || a == Type::kTimestamp))) return true;
    *error = cannot(op, type_name(a), type_name(b));
    return false;
  }
  if (op == BinaryOp::kDivide) {
    *result = Type::kFloat;
    if ((a == Type::kAny || is_numeric(a)) && (b == Type::kAny || is_numeric(b))) return true;
    *error = cannot(op, type_name(a), type_name(b));
    return false;
  }
  if (a == Type::kAny || b == Type::kAny) {
    // The other side still rules some results out: a string plus anything is a
    // string or an error.
    Type known = a == Type::kAny ? b : a;
    *result = (op == BinaryOp::kAdd && known == Type::kString) ? Type::kString : Type::kAny;
    if (known == Type::kAny || is_numeric(known) || known == Type::kTimestamp ||
        (op == BinaryOp::kAdd && known == Type::kString)) {
      return true;
    }
    *error = cannot(op, type_name(a), type_name(b));
    return false;
  }
  if (a == Type::kInt && b == Type::kInt) {
    *result = Type::kInt;
    return true;
  }
  if (is_numeric(a) && is_numeric(b)) {
    *result = Type::kFloat;
    return true;
  }
  if (op == BinaryOp::kAdd && a == Type::kString && b == Type::kString) {
    *result = Type::kString;
    return true;
  }
  if (op == BinaryOp::kAdd && ((a == Type::kTimestamp && b == Type::kInt) || (a == Type::kInt && b == Type::kTimestamp))) {
    *result = Type::kTimestamp;
    return true;
  }
  if (op == BinaryOp::kSubtract && a == Type::kTimestamp && (b == Type::kInt || b == Type::kTimestamp)) {
    *result = b == Type::kInt ? Type::kTimestamp : Type::kInt;
    return true;
  }
  *error = cannot(op, type_name(a), type_name(b));
  if (op == BinaryOp::kAdd && (a == Type::kString || b == Type::kString)) {
    *error += "; convert with to_string()";
  }
  return false;
}

bool apply_binary(BinaryOp op, const Value& a, const Value& b, Arena& arena, Value* out, std::string* error) {
  if (is_arithmetic(op)) {
    if (a.is_int() && b.is_int()) return integer_arithmetic(op, a.as_int(), b.as_int(), out, error);
    if (a.is_number() && b.is_number()) return float_arithmetic(op, a.as_number(), b.as_number(), out, error);
    if (op == BinaryOp::kAdd && a.is_string() && b.is_string()) return concatenate(a, b, arena, out);
    if (op == BinaryOp::kAdd && a.is_timestamp() && b.is_int()) return shift_timestamp(a.as_timestamp_us(), b.as_int(), false, out, error);
    if (op == BinaryOp::kAdd && a.is_int() && b.is_timestamp()) return shift_timestamp(b.as_timestamp_us(), a.as_int(), false, out, error);
    if (op == BinaryOp::kSubtract && a.is_timestamp() && b.is_int()) return shift_timestamp(a.as_timestamp_us(), b.as_int(), true, out, error);
    if (op == BinaryOp::kSubtract && a.is_timestamp() && b.is_timestamp()) {
      int64_t r = 0;
      if (__builtin_sub_overflow(a.as_timestamp_us(), b.as_timestamp_us(), &r)) {
        *error = "timestamp difference out of range";
        return false;
      }
      *out = Value::integer(r);
      return true;
    }
    *error = cannot(op, value_type_name(a.type()), value_type_name(b.type()));
    return false;
  }
  if (op == BinaryOp::kEqual) {
    *out = Value::boolean(a == b);
    return true;
  }
  if (op == BinaryOp::kNotEqual) {
    *out = Value::boolean(!(a == b));
    return true;
  }
  int c = 0;
  if (!three_way(a, b, &c, error, op)) return false;
  bool r = false;
  if (c != 2) {  // NaN is neither less, equal nor greater
    switch (op) {
      case BinaryOp::kLess: r = c < 0; break;
      case BinaryOp::kLessEqual: r = c <= 0; break;
      case BinaryOp::kGreater: r = c > 0; break;
      case BinaryOp::kGreaterEqual: r = c >= 0; break;
      default: break;
    }
  }
  *out = Value::boolean(r);
  return true;
}

}  // namespace sluice::expr

#include "transform/window/aggregates.h"

#include <cmath>

#include "core/field_path.h"
#include "format/event_codec.h"

namespace sluice::transform {
namespace {

double percentile_of(AggregateFunction f) {
  switch (f) {
    case AggregateFunction::kP50:
      return 0.50;
    case AggregateFunction::kP90:
      return 0.90;
    case AggregateFunction::kP95:
      return 0.95;
    default:
      return 0.99;
  }
}

bool is_percentile(AggregateFunction f) {
  return f == AggregateFunction::kP50 || f == AggregateFunction::kP90 ||
         f == AggregateFunction::kP95 || f == AggregateFunction::kP99;
}

void add_number(Accumulator& a, const Value& v) {
  const double d = v.as_number();
  ++a.n;
  a.sum += d;
  if (a.integral) {
    if (!v.is_int() || __builtin_add_overflow(a.int_sum, v.as_int(), &a.int_sum))
      a.integral = false;
  }
  if (d < a.min) a.min = d;
  if (d > a.max) a.max = d;
}

Value number_result(double d, bool integral, int64_t exact) {
  return integral ? Value::integer(exact) : Value::floating(d);
}

// The smallest or largest value as the caller gave it: integers stay integers.
Value extreme_result(double d, bool integral) {
  if (integral && d >= -9.2e18 && d <= 9.2e18) return Value::integer(static_cast<int64_t>(d));
  return Value::floating(d);
}

// How an aggregate reads in an error: `.p99_ms = p99(.latency_ms)`.
std::string describe(const AggregateCall& call) {
  return call.output.to_string() + " = " + aggregate_function_name(call.function) + "(" +
         (call.argument ? call.argument->text() : "") + ")";
}

// first/last: whether a value at `time_us` replaces the one kept. On equal times the
// later arrival wins for last, the earlier for first.
bool replaces(AggregateFunction f, const Accumulator& a, int64_t time_us) {
  if (a.n == 0) return true;
  return f == AggregateFunction::kFirst ? time_us < a.time_us : time_us >= a.time_us;
}

}  // namespace

AggregateSet::AggregateSet(std::vector<AggregateCall> calls) : calls_(std::move(calls)) {}

bool AggregateSet::evaluate(const Value& event, Arena& arena, std::vector<Value>& args,
                            std::string* error) const {
  args.resize(calls_.size());
  for (size_t i = 0; i < calls_.size(); ++i) {
    const AggregateCall& call = calls_[i];
    if (!call.argument) {
      args[i] = Value::null();
      continue;
    }
    Value v;
    if (!call.argument->evaluate(event, arena, &v, error)) {
      *error = describe(call) + ": " + *error;
      return false;
    }
    if (v.is_null()) {
      args[i] = v;
      continue;
    }
    const AggregateArgument kind = aggregate_argument(call.function);
    if (kind == AggregateArgument::kCondition && !v.is_bool()) {
      *error = describe(call) + ": yields " + value_type_name(v.type()) + ", not a boolean";
      return false;
    }
    if ((kind == AggregateArgument::kNumber || (kind == AggregateArgument::kOptional)) &&
        !v.is_number()) {
      *error = describe(call) + ": yields " + value_type_name(v.type()) + ", not a number";
      return false;
    }
    if (v.is_double() && !std::isfinite(v.as_double())) {
      *error = describe(call) + ": yields a value that is not finite";
      return false;
    }
    args[i] = v;
  }
  return true;
}

void AggregateSet::apply(const std::vector<Value>& args, int64_t time_us, Accumulator* acc) const {
  for (size_t i = 0; i < calls_.size(); ++i) {
    Accumulator& a = acc[i];
    const Value& v = args[i];
    const AggregateFunction f = calls_[i].function;
    if (f == AggregateFunction::kCount || (f == AggregateFunction::kRate && !calls_[i].argument)) {
      ++a.n;
      continue;
    }
    if (v.is_null()) continue;
    switch (f) {
      case AggregateFunction::kCountIf:
        if (v.as_bool()) ++a.n;
        break;
      case AggregateFunction::kFirst:
      case AggregateFunction::kLast:
        if (replaces(f, a, time_us)) {
          a.value.clear();
          format::encode_value(v, &a.value);
          a.time_us = time_us;
        }
        ++a.n;
        break;
      case AggregateFunction::kDistinct:
        if (!a.distinct) a.distinct = std::make_unique<DistinctCounter>();
        a.distinct->add(v);
        break;
      case AggregateFunction::kStddev: {
        add_number(a, v);
        const double d = v.as_number();
        const double delta = d - a.mean;
        a.mean += delta / static_cast<double>(a.n);
        a.m2 += delta * (d - a.mean);
        break;
      }
      default:
        add_number(a, v);
        if (is_percentile(f)) {
          if (!a.sketch) a.sketch = std::make_unique<DDSketch>();
          a.sketch->add(v.as_number());
        }
        break;
    }
  }
}

void AggregateSet::merge(Accumulator* into, const Accumulator* other) const {
  for (size_t i = 0; i < calls_.size(); ++i) {
    Accumulator& a = into[i];
    const Accumulator& b = other[i];
    const AggregateFunction f = calls_[i].function;
    if (b.n == 0 && !b.distinct && !b.sketch) continue;
    switch (f) {
      case AggregateFunction::kFirst:
      case AggregateFunction::kLast:
        if (b.n > 0 && replaces(f, a, b.time_us)) {
          a.value = b.value;
          a.time_us = b.time_us;
        }
        a.n += b.n;
        break;
      case AggregateFunction::kDistinct:
        if (b.distinct) {
          if (!a.distinct) a.distinct = std::make_unique<DistinctCounter>();
          a.distinct->merge(*b.distinct);
        }
        break;
      default: {
        // Chan et al.'s parallel combination of Welford moments.
        const double n = static_cast<double>(a.n + b.n);
        if (a.n + b.n > 0) {
          const double delta = b.mean - a.mean;
          a.m2 += b.m2 + delta * delta * static_cast<double>(a.n) * static_cast<double>(b.n) / n;
          a.mean += delta * static_cast<double>(b.n) / n;
        }
        a.n += b.n;
        a.sum += b.sum;
        if (a.integral && (!b.integral || __builtin_add_overflow(a.int_sum, b.int_sum, &a.int_sum)))
          a.integral = false;
        a.min = std::min(a.min, b.min);
        a.max = std::max(a.max, b.max);
        if (b.sketch) {
          if (!a.sketch) a.sketch = std::make_unique<DDSketch>();
          a.sketch->merge(*b.sketch);
        }
        break;
      }
    }
  }
}

Value AggregateSet::write_results(const Accumulator* acc, int64_t window_us, Arena& arena,
                                  Value root) const {
  for (size_t i = 0; i < calls_.size(); ++i) {
    const Accumulator& a = acc[i];
    const AggregateFunction f = calls_[i].function;
    Value result;
    switch (f) {
      case AggregateFunction::kCount:
      case AggregateFunction::kCountIf:
        result = Value::integer(static_cast<int64_t>(a.n));
        break;
      case AggregateFunction::kSum:
        result = number_result(a.sum, a.integral, a.int_sum);
        break;
      case AggregateFunction::kAvg:
        result = a.n ? Value::floating(a.sum / static_cast<double>(a.n)) : Value::null();
        break;
      case AggregateFunction::kMin:
        result = a.n ? extreme_result(a.min, a.integral) : Value::null();
        break;
      case AggregateFunction::kMax:
        result = a.n ? extreme_result(a.max, a.integral) : Value::null();
        break;
      case AggregateFunction::kFirst:
      case AggregateFunction::kLast:
        if (a.n) {
          const std::string_view bytes = arena.copy_string(a.value);
          if (!format::decode_value(bytes, arena, &result).is_ok()) result = Value::null();
        }
        break;
      case AggregateFunction::kStddev:
        result =
            a.n >= 2
                ? Value::floating(std::sqrt(std::max(0.0, a.m2 / static_cast<double>(a.n - 1))))
                : Value::null();
        break;
      case AggregateFunction::kRate: {
        const double seconds = static_cast<double>(window_us) / 1e6;
        const double amount = calls_[i].argument ? a.sum : static_cast<double>(a.n);
        result = seconds > 0 ? Value::floating(amount / seconds) : Value::null();
        break;
      }
      case AggregateFunction::kDistinct:
        result = Value::integer(a.distinct ? static_cast<int64_t>(a.distinct->estimate()) : 0);
        break;
      default:
        result = (a.sketch && a.sketch->count() > 0)
                     ? Value::floating(a.sketch->quantile(percentile_of(f)))
                     : Value::null();
        break;
    }
    auto updated = set_path(arena, root, calls_[i].output, result);
    if (updated) root = *updated;
  }
  return root;
}

size_t AggregateSet::memory_bytes(const Accumulator* acc) const {
  size_t bytes = 0;
  for (size_t i = 0; i < calls_.size(); ++i) {
    bytes += sizeof(Accumulator) + acc[i].value.capacity();
    if (acc[i].sketch) bytes += acc[i].sketch->memory_bytes();
    if (acc[i].distinct) bytes += acc[i].distinct->memory_bytes();
  }
  return bytes;
}

void AggregateSet::save(ByteWriter& w, const Accumulator* acc) const {
  for (size_t i = 0; i < calls_.size(); ++i) {
    const Accumulator& a = acc[i];
    w.u64(a.n);
    w.i64(a.int_sum);
    w.f64(a.sum);
    w.u64(a.integral ? 1 : 0);
    w.f64(a.mean);
    w.f64(a.m2);
    w.f64(a.min);
    w.f64(a.max);
    w.i64(a.time_us);
    w.bytes(a.value);
    w.u64((a.sketch ? 1 : 0) | (a.distinct ? 2 : 0));
    if (a.sketch) a.sketch->save(w);
    if (a.distinct) a.distinct->save(w);
  }
}

bool AggregateSet::load(ByteReader& r, Accumulator* acc) const {
  for (size_t i = 0; i < calls_.size() && r.ok(); ++i) {
    Accumulator& a = acc[i];
    a.n = r.u64();
    a.int_sum = r.i64();
    a.sum = r.f64();
    a.integral = r.u64() != 0;
    a.mean = r.f64();
    a.m2 = r.f64();
    a.min = r.f64();
    a.max = r.f64();
    a.time_us = r.i64();
    a.value = std::string(r.bytes());
    const uint64_t parts = r.u64();
    if (parts & 1) {
      a.sketch = std::make_unique<DDSketch>();
      if (!a.sketch->load(r)) return false;
    }
    if (parts & 2) {
      a.distinct = std::make_unique<DistinctCounter>();
      if (!a.distinct->load(r)) return false;
    }
  }
  return r.ok();
}

}  // namespace sluice::transform

// AggregateCall: one aggregate of a window, as written in a pipeline file:
//
//   aggregates:
//     requests: count()
//     errors: count_if(.status >= 500)
//     p99_latency_ms: p99(.latency_ms)
//
// The function names are part of the configuration language (like the expression
// functions), so the config loader checks them and compiles the argument when the
// pipeline loads; the window transform (transform/window/) computes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expr/expression.h"
#include "core/field_path.h"

namespace sluice {

enum class AggregateFunction : uint8_t {
  kCount,     // count()            events in the window
  kCountIf,   // count_if(cond)     events for which cond is true
  kSum,       // sum(x)
  kAvg,       // avg(x)
  kMin,       // min(x)
  kMax,       // max(x)
  kFirst,     // first(x)           value of the earliest event (event time)
  kLast,      // last(x)            value of the latest event (event time)
  kStddev,    // stddev(x)          sample standard deviation
  kRate,      // rate() or rate(x)  events (or sum of x) per second of window
  kDistinct,  // distinct(x)        distinct values, HyperLogLog beyond 1024
  kP50,       // p50(x) … p99(x)    percentiles, DDSketch with 0.5% relative error
  kP90,
  kP95,
  kP99,
};

// What an aggregate's argument must be.
enum class AggregateArgument : uint8_t {
  kNone,       // count()
  kOptional,   // rate() or rate(x)
  kAny,        // first, last, distinct: any value
  kNumber,     // sum, avg, …: a number at run time
  kCondition,  // count_if: a boolean
};

struct AggregateCall {
  FieldPath output;  // where the result goes in the output event
  AggregateFunction function = AggregateFunction::kCount;
  std::shared_ptr<const expr::Expression> argument;  // null for count() and rate()
};

std::optional<AggregateFunction> aggregate_function_named(std::string_view name);
const char* aggregate_function_name(AggregateFunction function);
AggregateArgument aggregate_argument(AggregateFunction function);
// The names, for "did you mean" and the docs.
std::vector<std::string> aggregate_function_names();

}  // namespace sluice

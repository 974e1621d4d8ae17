#include "core/config/aggregate_call.h"

#include <array>

namespace sluice {
namespace {

struct FunctionInfo {
  const char* name;
  AggregateFunction function;
  AggregateArgument argument;
};

constexpr std::array<FunctionInfo, 15> kFunctions{{
    {"count", AggregateFunction::kCount, AggregateArgument::kNone},
    {"count_if", AggregateFunction::kCountIf, AggregateArgument::kCondition},
    {"sum", AggregateFunction::kSum, AggregateArgument::kNumber},
    {"avg", AggregateFunction::kAvg, AggregateArgument::kNumber},
    {"min", AggregateFunction::kMin, AggregateArgument::kNumber},
    {"max", AggregateFunction::kMax, AggregateArgument::kNumber},
    {"first", AggregateFunction::kFirst, AggregateArgument::kAny},
    {"last", AggregateFunction::kLast, AggregateArgument::kAny},
    {"stddev", AggregateFunction::kStddev, AggregateArgument::kNumber},
    {"rate", AggregateFunction::kRate, AggregateArgument::kOptional},
    {"distinct", AggregateFunction::kDistinct, AggregateArgument::kAny},
    {"p50", AggregateFunction::kP50, AggregateArgument::kNumber},
    {"p90", AggregateFunction::kP90, AggregateArgument::kNumber},
    {"p95", AggregateFunction::kP95, AggregateArgument::kNumber},
    {"p99", AggregateFunction::kP99, AggregateArgument::kNumber},
}};

}  // namespace

std::optional<AggregateFunction> aggregate_function_named(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (name == f.name) return f.function;
  }
  return std::nullopt;
}

const char* aggregate_function_name(AggregateFunction function) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.function == function) return f.name;
  }
  return "?";
}

AggregateArgument aggregate_argument(AggregateFunction function) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.function == function) return f.argument;
  }
  return AggregateArgument::kNone;
}

std::vector<std::string> aggregate_function_names() {
  std::vector<std::string> names;
  for (const FunctionInfo& f : kFunctions) names.emplace_back(f.name);
  return names;
}

}  // namespace sluice

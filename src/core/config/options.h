// Component options: what a component type accepts (OptionSpec), and the typed,
// validated values a pipeline file gave it (OptionValues).
//
// Every source, transform and sink type declares its options once, as data. The
// same declaration drives validation (unknown option, wrong type, bad literal,
// missing required option), the defaults, `sluice components` and the reference
// in docs/configuration.md, so they cannot drift apart.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/component_kind.h"
#include "core/config/aggregate_call.h"
#include "core/config/field_flow.h"
#include "core/diagnostics.h"
#include "core/expr/expression.h"
#include "core/field_path.h"

namespace sluice {

enum class OptionType {
  kString,
  kInt,
  kFloat,
  kBool,
  kDuration,       // "500ms", "1m" → microseconds
  kSize,           // "64MiB" → bytes
  kTimestamp,      // RFC 3339 → UTC microseconds
  kEnum,           // one of OptionSpec::choices
  kExpression,     // any expression
  kCondition,      // an expression that must yield bool
  kStringList,     // a list of strings (a single string is a list of one)
  kPathList,       // a list of field paths
  kPathMap,        // field path → field path (rename)
  kExpressionMap,  // field path → expression (remap set); order kept
  kAggregateMap,   // field path → aggregate call such as `p99(.latency_ms)`; order kept
  kStringMap,      // name → string (a declared schema: column → type); order kept; values
                   // limited to OptionSpec::choices when it has any
  kConditionMap,   // name → condition (route: output name → when); order kept
};

const char* option_type_name(OptionType type);

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  std::string default_text;  // as written in YAML; empty means no default
  bool required = false;
  std::string doc;           // one sentence for docs and `sluice components`
  std::vector<std::string> choices;  // for kEnum
  double min = -1e300;       // bounds for kInt / kFloat / kDuration / kSize
  double max = 1e300;

  // Builders, so a component declares options as readable one-liners:
  //   OptionSpec::optional("rate", OptionType::kFloat, "1000", "Events per second.").at_least(0)
  static OptionSpec optional(std::string name, OptionType type, std::string default_text, std::string doc) {
    OptionSpec o;
    o.name = std::move(name);
    o.type = type;
    o.default_text = std::move(default_text);
    o.doc = std::move(doc);
    return o;
  }
  static OptionSpec required_option(std::string name, OptionType type, std::string doc) {
    OptionSpec o = optional(std::move(name), type, "", std::move(doc));
    o.required = true;
    return o;
  }
  OptionSpec at_least(double lo) && {
    min = lo;
    return std::move(*this);
  }
  OptionSpec between(double lo, double hi) && {
    min = lo;
    max = hi;
    return std::move(*this);
  }
  OptionSpec one_of(std::vector<std::string> values) && {
    choices = std::move(values);
    return std::move(*this);
  }
};


class OptionValues;

struct ComponentSpec {
  ComponentKind kind = ComponentKind::kSource;
  std::string type;
  std::string summary;
  std::vector<OptionSpec> options;
  // Named outputs besides the default one. Every transform also has "dead_letter".
  std::function<std::vector<std::string>(const OptionValues&)> named_outputs;
  // Checks that span options (e.g. "at least one of"); returns a problem or "".
  std::function<std::string(const OptionValues&)> check;
  // Checks of one option's value beyond its type; each problem is reported where
  // that option is written: (option name, problem).
  std::function<std::vector<std::pair<std::string, std::string>>(const OptionValues&)> check_options;
  // What the component does to the fields on its output `port` ("" is the default
  // one), for the governance check; unset: they pass unchanged. Dead letters always
  // carry the input unchanged and are not asked for.
  std::function<void(const OptionValues&, const std::string& port, FieldFlow&)> field_flow;
};

using ExpressionPtr = std::shared_ptr<const expr::Expression>;
using OptionValue = std::variant<std::monostate, std::string, int64_t, double, bool, std::vector<std::string>,
                                 std::vector<FieldPath>, std::vector<std::pair<FieldPath, FieldPath>>,
                                 ExpressionPtr, std::vector<std::pair<FieldPath, ExpressionPtr>>,
                                 std::vector<AggregateCall>, std::vector<std::pair<std::string, std::string>>,
                                 std::vector<std::pair<std::string, ExpressionPtr>>>;

// Validated option values of one component, defaults filled in. Getters assume the
// spec declared the option with a matching type (a mismatch is a programming error).
class OptionValues {
 public:
  void set(const std::string& name, OptionValue value, SourceLocation where);
  bool has(const std::string& name) const;
  // True when an option written in the file did not parse (its value is missing).
  bool any_unparsed() const;
  const SourceLocation& location(const std::string& name) const;

  const std::string& get_string(const std::string& name) const;
  int64_t get_int(const std::string& name) const;       // also kDuration (µs), kSize (bytes), kTimestamp (µs)
  double get_float(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::vector<std::string>& get_strings(const std::string& name) const;
  const std::vector<FieldPath>& get_paths(const std::string& name) const;
  const std::vector<std::pair<FieldPath, FieldPath>>& get_path_map(const std::string& name) const;
  const ExpressionPtr& get_expression(const std::string& name) const;
  const std::vector<std::pair<FieldPath, ExpressionPtr>>& get_expression_map(const std::string& name) const;
  const std::vector<AggregateCall>& get_aggregates(const std::string& name) const;
  const std::vector<std::pair<std::string, std::string>>& get_string_map(const std::string& name) const;
  const std::vector<std::pair<std::string, ExpressionPtr>>& get_condition_map(const std::string& name) const;

 private:
  const OptionValue& get(const std::string& name) const;
  std::map<std::string, std::pair<OptionValue, SourceLocation>> values_;
};

}  // namespace sluice

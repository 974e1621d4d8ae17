#include "core/config/option_parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/ascii.h"
#include "core/suggest.h"
#include "core/time.h"
#include "core/units.h"

namespace sluice::config_detail {
namespace {

void report(const ParseContext& ctx, SourceLocation where, const std::string& message, std::string hint = {}) {
  ctx.diagnostics->error(std::move(where), ctx.subject + ": " + message, std::move(hint));
}

std::string option_label(const OptionSpec& spec) { return "option \"" + spec.name + "\""; }

const char* node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    default: return "a scalar";
  }
}

// Integers may use '_' as a digit separator: 1_000_000.
std::optional<int64_t> parse_integer(std::string text) {
  std::string digits;
  for (char c : text) {
    if (c != '_') digits += c;
  }
  if (digits.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(digits.c_str(), &end, 10);
  if (errno != 0 || end != digits.c_str() + digits.size()) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> parse_number(std::string text) {
  std::string digits;
  for (char c : text) {
    if (c != '_') digits += c;
  }
  if (digits.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(digits.c_str(), &end);
  if (errno != 0 || end != digits.c_str() + digits.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool check_bounds(const ParseContext& ctx, const OptionSpec& spec, const YAML::Node& node, double v,
                  const std::string& shown) {
  if (v < spec.min || v > spec.max) {
    std::string range;
    if (spec.min > -1e299 && spec.max < 1e299) {
      range = "between " + std::to_string(static_cast<long long>(spec.min)) + " and " +
              std::to_string(static_cast<long long>(spec.max));
    } else if (spec.min > -1e299) {
      range = "at least " + std::to_string(static_cast<long long>(spec.min));
    } else {
      range = "at most " + std::to_string(static_cast<long long>(spec.max));
    }
    report(ctx, location_of(ctx, node), option_label(spec) + ": " + shown + " is out of range", "use a value " + range);
    return false;
  }
  return true;
}

// Where, in the file, a position inside a scalar's text is.
SourceLocation inner_location(const ParseContext& ctx, const YAML::Node& node, int line, int column) {
  SourceLocation at = location_of(ctx, node);
  const YAML::Mark mark = node.Mark();
  char first = (mark.pos >= 0 && size_t(mark.pos) < ctx.text.size()) ? ctx.text[mark.pos] : ' ';
  if (first == '|' || first == '>') {
    // Block scalar: content starts on the next line at its indentation.
    size_t pos = ctx.text.find('\n', mark.pos);
    int indent = 0;
    if (pos != std::string_view::npos) {
      ++pos;
      while (pos < ctx.text.size() && ctx.text[pos] == ' ') {
        ++indent;
        ++pos;
      }
    }
    at.line = mark.line + 1 + line;
    at.column = indent + column;
    return at;
  }
  int quote = (first == '"' || first == '\'') ? 1 : 0;
  at.line = mark.line + line;
  at.column = line == 1 ? mark.column + quote + column : column;
  return at;
}

ExpressionPtr compile_expression(const ParseContext& ctx, const OptionSpec& spec, const YAML::Node& node,
                                 const std::string& label, bool must_be_bool) {
  if (!node.IsScalar()) {
    report(ctx, location_of(ctx, node), label + ": expected an expression, got " + node_kind(node));
    return nullptr;
  }
  // YAML reads a leading '!' as a tag, so `!exists(.x)` would silently lose its '!'.
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!") {
    report(ctx, location_of(ctx, node), label + ": YAML read \"" + tag + "\" as a tag",
           "quote an expression that starts with '!', e.g. '" + tag + (node.Scalar().empty() ? "" : " " + node.Scalar()) + "'");
    return nullptr;
  }
  auto text = scalar_text(ctx, node, label);
  if (!text) return nullptr;
  std::vector<expr::ExprError> errors;
  ExpressionPtr compiled = expr::Expression::compile(*text, &errors);
  if (!compiled) {
    for (const expr::ExprError& e : errors) {
      report(ctx, inner_location(ctx, node, e.line, e.column), label + ": " + e.message, e.hint);
    }
    return nullptr;
  }
  if (must_be_bool && !compiled->may_yield_bool()) {
    const expr::Type type = compiled->result_type();
    report(ctx, location_of(ctx, node),
           label + ": a condition must yield a boolean, but this yields " +
               (type == expr::Type::kAny ? std::string("a number or text") : std::string(expr::type_name(type))),
           "compare it, e.g. `.status >= 500`");
    return nullptr;
  }
  (void)spec;
  return compiled;
}

std::optional<FieldPath> parse_path(const ParseContext& ctx, const YAML::Node& node, const std::string& label) {
  auto text = scalar_text(ctx, node, label);
  if (!text) return std::nullopt;
  auto path = FieldPath::parse(*text);
  if (!path) {
    report(ctx, location_of(ctx, node), label + ": " + path.status().message(),
           "write a field path such as .http.status or .\"user-agent\"");
    return std::nullopt;
  }
  return *path;
}


// `name(argument)`: the function is checked against the aggregate functions and the
// argument compiled as an expression, with errors placed inside the scalar's text.
std::optional<AggregateCall> parse_aggregate(const ParseContext& ctx, const YAML::Node& node, const std::string& label) {
  if (!node.IsScalar()) {
    report(ctx, location_of(ctx, node), label + ": expected an aggregate such as count() or p99(.latency_ms), got " +
                                            node_kind(node));
    return std::nullopt;
  }
  auto text = scalar_text(ctx, node, label);
  if (!text) return std::nullopt;
  const size_t open = text->find('(');
  size_t close = text->find_last_not_of(" \t\r\n");
  if (open == std::string::npos || close == std::string::npos || (*text)[close] != ')' || close < open) {
    report(ctx, location_of(ctx, node), label + ": \"" + *text + "\" is not an aggregate call",
           "write function(argument), e.g. count(), sum(.bytes), p99(.latency_ms)");
    return std::nullopt;
  }
  const std::string name(trim_ascii_space(std::string_view(*text).substr(0, open)));
  auto function = aggregate_function_named(name);
  if (!function) {
    std::string all;
    for (const std::string& n : aggregate_function_names()) all += (all.empty() ? "" : ", ") + n;
    report(ctx, location_of(ctx, node),
           label + ": unknown aggregate function \"" + name + "\"" + did_you_mean(name, aggregate_function_names()),
           "aggregates: " + all);
    return std::nullopt;
  }
  AggregateCall call;
  call.function = *function;
  const std::string argument = text->substr(open + 1, close - open - 1);
  const bool empty = argument.find_first_not_of(" \t\r\n") == std::string::npos;
  const AggregateArgument kind = aggregate_argument(*function);
  if (kind == AggregateArgument::kNone || (kind == AggregateArgument::kOptional && empty)) {
    if (!empty) {
      report(ctx, location_of(ctx, node), label + ": " + name + "() takes no argument", "write " + name + "()");
      return std::nullopt;
    }
    return call;
  }
  if (empty) {
    report(ctx, location_of(ctx, node), label + ": " + name + "() needs an argument",
           kind == AggregateArgument::kCondition ? "e.g. " + name + "(.status >= 500)" : "e.g. " + name + "(.latency_ms)");
    return std::nullopt;
  }
  std::vector<expr::ExprError> errors;
  call.argument = expr::Expression::compile(argument, &errors);
  if (!call.argument) {
    for (const expr::ExprError& e : errors) {
      const int column = e.line == 1 ? e.column + static_cast<int>(open) + 1 : e.column;
      report(ctx, inner_location(ctx, node, e.line, column), label + ": " + e.message, e.hint);
    }
    return std::nullopt;
  }
  const expr::Type type = call.argument->result_type();
  if (kind == AggregateArgument::kCondition && !call.argument->may_yield_bool()) {
    report(ctx, location_of(ctx, node), label + ": " + name + "() needs a condition, but its argument yields " +
                                            (type == expr::Type::kAny ? std::string("a number or text") : expr::type_name(type)),
           "compare it, e.g. " + name + "(.status >= 500)");
    return std::nullopt;
  }
  if (kind == AggregateArgument::kNumber && type != expr::Type::kAny && type != expr::Type::kInt &&
      type != expr::Type::kFloat) {
    report(ctx, location_of(ctx, node), label + ": " + name + "() needs a number, but its argument yields " +
                                            expr::type_name(type),
           "convert it, e.g. " + name + "(to_float(.x))");
    return std::nullopt;
  }
  return call;
}

}  // namespace

SourceLocation location_of(const ParseContext& ctx, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return SourceLocation{ctx.file, 0, 0};
  return SourceLocation{ctx.file, mark.line + 1, mark.column + 1};
}

std::optional<std::string> scalar_text(const ParseContext& ctx, const YAML::Node& node, const std::string& what) {
  auto expanded = interpolate(node.Scalar(), *ctx.env);
  if (!expanded) {
    report(ctx, location_of(ctx, node), what + ": " + expanded.status().message());
    return std::nullopt;
  }
  return std::move(expanded).value();
}

OptionValue parse_option(const ParseContext& ctx, const OptionSpec& spec, const YAML::Node& node) {
  const std::string label = option_label(spec);
  const SourceLocation where = location_of(ctx, node);
  auto expect_scalar = [&]() -> std::optional<std::string> {
    if (!node.IsScalar()) {
      report(ctx, where, label + ": expected " + std::string(option_type_name(spec.type)) + ", got " + node_kind(node));
      return std::nullopt;
    }
    return scalar_text(ctx, node, label);
  };

  switch (spec.type) {
    case OptionType::kString: {
      auto text = expect_scalar();
      if (!text) return {};
      return *text;
    }
    case OptionType::kInt: {
      auto text = expect_scalar();
      if (!text) return {};
      auto v = parse_integer(*text);
      if (!v) {
        report(ctx, where, label + ": expected an integer, got \"" + *text + "\"");
        return {};
      }
      if (!check_bounds(ctx, spec, node, double(*v), *text)) return {};
      return *v;
    }
    case OptionType::kFloat: {
      auto text = expect_scalar();
      if (!text) return {};
      auto v = parse_number(*text);
      if (!v) {
        report(ctx, where, label + ": expected a number, got \"" + *text + "\"");
        return {};
      }
      if (!check_bounds(ctx, spec, node, *v, *text)) return {};
      return *v;
    }
    case OptionType::kBool: {
      auto text = expect_scalar();
      if (!text) return {};
      if (*text == "true" || *text == "True" || *text == "TRUE") return true;
      if (*text == "false" || *text == "False" || *text == "FALSE") return false;
      report(ctx, where, label + ": expected true or false, got \"" + *text + "\"");
      return {};
    }
    case OptionType::kDuration: {
      auto text = expect_scalar();
      if (!text) return {};
      auto v = parse_duration_us(*text);
      if (!v) {
        report(ctx, where, label + ": " + v.status().message());
        return {};
      }
      if (!check_bounds(ctx, spec, node, double(*v), *text)) return {};
      return *v;
    }
    case OptionType::kSize: {
      auto text = expect_scalar();
      if (!text) return {};
      auto v = parse_size_bytes(*text);
      if (!v) {
        report(ctx, where, label + ": " + v.status().message());
        return {};
      }
      if (!check_bounds(ctx, spec, node, double(*v), *text)) return {};
      return *v;
    }
    case OptionType::kTimestamp: {
      auto text = expect_scalar();
      if (!text) return {};
      auto v = parse_rfc3339(*text);
      if (!v) {
        report(ctx, where, label + ": " + v.status().message(), "write an RFC 3339 time such as 2026-11-24T00:00:00Z");
        return {};
      }
      return *v;
    }
    case OptionType::kEnum: {
      auto text = expect_scalar();
      if (!text) return {};
      for (const std::string& choice : spec.choices) {
        if (choice == *text) return *text;
      }
      std::string list;
      for (const std::string& choice : spec.choices) list += (list.empty() ? "" : ", ") + choice;
      report(ctx, where, label + ": unknown value \"" + *text + "\"" + did_you_mean(*text, spec.choices),
             "choose one of: " + list);
      return {};
    }
    case OptionType::kExpression:
    case OptionType::kCondition: {
      ExpressionPtr e = compile_expression(ctx, spec, node, label, spec.type == OptionType::kCondition);
      if (!e) return {};
      return e;
    }
    case OptionType::kStringList:
    case OptionType::kPathList: {
      std::vector<YAML::Node> items;
      if (node.IsScalar()) {
        items.push_back(node);
      } else if (node.IsSequence()) {
        for (const YAML::Node& item : node) items.push_back(item);
      } else {
        report(ctx, where, label + ": expected a list, got " + node_kind(node));
        return {};
      }
      std::vector<std::string> strings;
      std::vector<FieldPath> paths;
      bool ok = true;
      for (const YAML::Node& item : items) {
        if (!item.IsScalar()) {
          report(ctx, location_of(ctx, item), label + ": expected a string in the list, got " + node_kind(item));
          ok = false;
          continue;
        }
        if (spec.type == OptionType::kStringList) {
          auto text = scalar_text(ctx, item, label);
          if (text) strings.push_back(*text);
          ok = ok && text.has_value();
        } else {
          auto path = parse_path(ctx, item, label);
          if (path) paths.push_back(*path);
          ok = ok && path.has_value();
        }
      }
      if (!ok) return {};
      if (spec.type == OptionType::kStringList) return strings;
      return paths;
    }
    case OptionType::kPathMap:
    case OptionType::kExpressionMap: {
      if (!node.IsMap()) {
        report(ctx, where, label + ": expected a map of field path to " +
                               (spec.type == OptionType::kPathMap ? "field path" : "expression") + ", got " +
                               node_kind(node));
        return {};
      }
      std::vector<std::pair<FieldPath, FieldPath>> renames;
      std::vector<std::pair<FieldPath, ExpressionPtr>> assignments;
      bool ok = true;
      for (const auto& entry : node) {
        auto target = parse_path(ctx, entry.first, label);
        if (!target) {
          ok = false;
          continue;
        }
        std::string entry_label = label + " at " + target->to_string();
        if (spec.type == OptionType::kPathMap) {
          auto to = parse_path(ctx, entry.second, entry_label);
          if (to) renames.emplace_back(*target, *to);
          ok = ok && to.has_value();
        } else {
          ExpressionPtr e = compile_expression(ctx, spec, entry.second, entry_label, false);
          if (e) assignments.emplace_back(*target, e);
          ok = ok && e != nullptr;
        }
      }
      if (!ok) return {};
      if (spec.type == OptionType::kPathMap) return renames;
      return assignments;
    }
    case OptionType::kStringMap: {
      if (!node.IsMap()) {
        report(ctx, where, label + ": expected a map, got " + node_kind(node));
        return {};
      }
      std::vector<std::pair<std::string, std::string>> entries;
      bool ok = true;
      for (const auto& entry : node) {
        auto key = entry.first.IsScalar() ? scalar_text(ctx, entry.first, label) : std::nullopt;
        if (!key || !entry.second.IsScalar()) {
          report(ctx, location_of(ctx, entry.second), label + ": expected name: value entries");
          ok = false;
          continue;
        }
        auto value = scalar_text(ctx, entry.second, label + " at " + *key);
        if (!value) {
          ok = false;
          continue;
        }
        if (!spec.choices.empty() &&
            std::find(spec.choices.begin(), spec.choices.end(), *value) == spec.choices.end()) {
          std::string list;
          for (const std::string& choice : spec.choices) list += (list.empty() ? "" : ", ") + choice;
          report(ctx, location_of(ctx, entry.second),
                 label + " at " + *key + ": unknown value \"" + *value + "\"" + did_you_mean(*value, spec.choices),
                 "choose one of: " + list);
          ok = false;
          continue;
        }
        entries.emplace_back(std::move(*key), std::move(*value));
      }
      if (!ok) return {};
      return entries;
    }
    case OptionType::kConditionMap: {
      if (!node.IsMap()) {
        report(ctx, where, label + ": expected a map of name to condition, got " + node_kind(node),
               "e.g. errors: .status >= 500");
        return {};
      }
      std::vector<std::pair<std::string, ExpressionPtr>> entries;
      bool ok = true;
      for (const auto& entry : node) {
        auto key = entry.first.IsScalar() ? scalar_text(ctx, entry.first, label) : std::nullopt;
        const bool valid = key && !key->empty() &&
                           std::all_of(key->begin(), key->end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                           });
        if (!valid) {
          report(ctx, location_of(ctx, entry.first), label + ": a name must be letters, digits, '_' or '-'");
          ok = false;
          continue;
        }
        ExpressionPtr e = compile_expression(ctx, spec, entry.second, label + " at " + *key, true);
        if (!e) {
          ok = false;
          continue;
        }
        entries.emplace_back(*key, e);
      }
      if (!ok) return {};
      return entries;
    }
    case OptionType::kAggregateMap: {
      if (!node.IsMap()) {
        report(ctx, where, label + ": expected a map of output field to aggregate, got " + node_kind(node),
               "e.g. requests: count()");
        return {};
      }
      std::vector<AggregateCall> calls;
      bool ok = true;
      for (const auto& entry : node) {
        auto target = parse_path(ctx, entry.first, label);
        if (!target) {
          ok = false;
          continue;
        }
        auto call = parse_aggregate(ctx, entry.second, label + " at " + target->to_string());
        if (!call) {
          ok = false;
          continue;
        }
        call->output = *target;
        calls.push_back(std::move(*call));
      }
      if (!ok) return {};
      return calls;
    }
  }
  return {};
}

}  // namespace sluice::config_detail

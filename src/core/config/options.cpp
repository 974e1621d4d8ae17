#include "core/config/options.h"

#include <stdexcept>

namespace sluice {

const char* option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kString: return "string";
    case OptionType::kInt: return "integer";
    case OptionType::kFloat: return "number";
    case OptionType::kBool: return "boolean";
    case OptionType::kDuration: return "duration";
    case OptionType::kSize: return "size";
    case OptionType::kTimestamp: return "timestamp";
    case OptionType::kEnum: return "enum";
    case OptionType::kExpression: return "expression";
    case OptionType::kCondition: return "condition";
    case OptionType::kStringList: return "list of strings";
    case OptionType::kPathList: return "list of field paths";
    case OptionType::kPathMap: return "map of field path to field path";
    case OptionType::kExpressionMap: return "map of field path to expression";
    case OptionType::kAggregateMap: return "map of field path to aggregate";
    case OptionType::kStringMap: return "map of name to string";
    case OptionType::kConditionMap: return "map of name to condition";
  }
  return "unknown";
}

void OptionValues::set(const std::string& name, OptionValue value, SourceLocation where) {
  values_[name] = {std::move(value), std::move(where)};
}

bool OptionValues::any_unparsed() const {
  for (const auto& [name, entry] : values_) {
    if (std::holds_alternative<std::monostate>(entry.first) && entry.second.line > 0) return true;
  }
  return false;
}

bool OptionValues::has(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && !std::holds_alternative<std::monostate>(it->second.first);
}

const SourceLocation& OptionValues::location(const std::string& name) const {
  static const SourceLocation kNowhere;
  auto it = values_.find(name);
  return it == values_.end() ? kNowhere : it->second.second;
}

const OptionValue& OptionValues::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("option \"" + name + "\" was not declared");
  return it->second.first;
}

namespace {
template <typename T>
const T& get_as(const OptionValue& value, const std::string& name) {
  const T* p = std::get_if<T>(&value);
  if (p == nullptr) throw std::logic_error("option \"" + name + "\" read with the wrong type");
  return *p;
}
}  // namespace

const std::string& OptionValues::get_string(const std::string& name) const {
  static const std::string kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::string>(v, name);
}
int64_t OptionValues::get_int(const std::string& name) const {
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return 0;
  return get_as<int64_t>(v, name);
}
double OptionValues::get_float(const std::string& name) const {
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return 0;
  return get_as<double>(v, name);
}
bool OptionValues::get_bool(const std::string& name) const {
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return false;
  return get_as<bool>(v, name);
}
const std::vector<std::string>& OptionValues::get_strings(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<std::string>>(v, name);
}
const std::vector<FieldPath>& OptionValues::get_paths(const std::string& name) const {
  static const std::vector<FieldPath> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<FieldPath>>(v, name);
}
const std::vector<std::pair<FieldPath, FieldPath>>& OptionValues::get_path_map(const std::string& name) const {
  static const std::vector<std::pair<FieldPath, FieldPath>> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<std::pair<FieldPath, FieldPath>>>(v, name);
}
const ExpressionPtr& OptionValues::get_expression(const std::string& name) const {
  static const ExpressionPtr kNone;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kNone;
  return get_as<ExpressionPtr>(v, name);
}
const std::vector<std::pair<FieldPath, ExpressionPtr>>& OptionValues::get_expression_map(
    const std::string& name) const {
  static const std::vector<std::pair<FieldPath, ExpressionPtr>> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<std::pair<FieldPath, ExpressionPtr>>>(v, name);
}

const std::vector<AggregateCall>& OptionValues::get_aggregates(const std::string& name) const {
  static const std::vector<AggregateCall> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<AggregateCall>>(v, name);
}

const std::vector<std::pair<std::string, std::string>>& OptionValues::get_string_map(const std::string& name) const {
  static const std::vector<std::pair<std::string, std::string>> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<std::pair<std::string, std::string>>>(v, name);
}

const std::vector<std::pair<std::string, ExpressionPtr>>& OptionValues::get_condition_map(
    const std::string& name) const {
  static const std::vector<std::pair<std::string, ExpressionPtr>> kEmpty;
  const OptionValue& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  return get_as<std::vector<std::pair<std::string, ExpressionPtr>>>(v, name);
}

}  // namespace sluice

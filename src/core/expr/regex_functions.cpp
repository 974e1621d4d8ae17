#include <re2/re2.h>

#include "core/expr/functions.h"

namespace sluice::expr::functions {
namespace {

// A pattern compiled once when the expression loads, with its group names in
// group order (empty for unnamed groups).
struct PreparedRegex {
  explicit PreparedRegex(std::string_view pattern) : re(re2::StringPiece(pattern.data(), pattern.size()), options()) {}
  static RE2::Options options() {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }
  RE2 re;
  std::vector<std::string> group_names;  // index 0 is group 1
  std::vector<FieldId> group_fields;
};

const PreparedRegex& prepared(const CallContext& ctx) { return *static_cast<const PreparedRegex*>(ctx.prepared); }

}  // namespace

std::shared_ptr<const void> prepare_regex(std::span<const Value> literal_args, std::string* error) {
  if (literal_args.size() < 2 || !literal_args[1].is_string()) {
    *error = "the pattern must be a string literal";
    return nullptr;
  }
  auto regex = std::make_shared<PreparedRegex>(literal_args[1].as_string());
  if (!regex->re.ok()) {
    *error = "invalid regular expression: " + regex->re.error();
    return nullptr;
  }
  const int groups = regex->re.NumberOfCapturingGroups();
  regex->group_names.resize(groups);
  regex->group_fields.assign(groups, kInvalidFieldId);
  for (const auto& [name, index] : regex->re.NamedCapturingGroups()) {
    regex->group_names[index - 1] = name;
    regex->group_fields[index - 1] = FieldNames::intern(name);
  }
  return regex;
}

bool regex_match(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "regex_match", args, 0)) return false;
  std::string_view s = args[0].as_string();
  *out = Value::boolean(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), prepared(ctx).re));
  return true;
}

bool regex_capture(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "regex_capture", args, 0)) return false;
  const PreparedRegex& regex = prepared(ctx);
  std::string_view s = args[0].as_string();
  const int groups = regex.re.NumberOfCapturingGroups();
  constexpr int kMaxGroups = 32;
  if (groups > kMaxGroups) return fail(ctx, "regex_capture: more than 32 capturing groups");
  re2::StringPiece matches[kMaxGroups + 1];
  if (!regex.re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, matches, groups + 1)) {
    *out = Value::null();
    return true;
  }
  auto group_value = [&](int i) {
    const re2::StringPiece& m = matches[i + 1];
    return m.data() == nullptr ? Value::null() : Value::string({m.data(), m.size()});
  };
  bool any_named = false;
  for (const std::string& name : regex.group_names) any_named = any_named || !name.empty();
  if (any_named) {
    ObjectBuilder object(ctx.arena, uint32_t(groups));
    for (int i = 0; i < groups; ++i) {
      if (regex.group_fields[i] != kInvalidFieldId) object.set(regex.group_fields[i], group_value(i));
    }
    *out = object.finish();
    return true;
  }
  Value* items = ctx.arena.allocate_array<Value>(size_t(groups));
  for (int i = 0; i < groups; ++i) items[i] = group_value(i);
  *out = Value::array(items, uint32_t(groups));
  return true;
}

}  // namespace sluice::expr::functions

#include "core/expr/function_registry.h"

#include "core/expr/functions.h"

namespace sluice::expr {
namespace {

constexpr TypeMask kString = mask_of(Type::kString);
constexpr TypeMask kInt = mask_of(Type::kInt);
constexpr TypeMask kArray = mask_of(Type::kArray);
constexpr TypeMask kTimestamp = mask_of(Type::kTimestamp);
constexpr TypeMask kScalar = mask_of(Type::kNull) | mask_of(Type::kBool) | kNumeric | kString | kTimestamp;

std::vector<FunctionSpec> make_table() {
  namespace f = functions;
  return {
      // Strings
      {"lower", 1, 1, {kString}, Type::kString, false, f::lower, nullptr, "lower(s: string) -> string",
       "ASCII letters to lower case.", "lower(.method)", R"("post")"},
      {"upper", 1, 1, {kString}, Type::kString, false, f::upper, nullptr, "upper(s: string) -> string",
       "ASCII letters to upper case.", "upper(.service)", R"("CHECKOUT")"},
      {"trim", 1, 1, {kString}, Type::kString, false, f::trim, nullptr, "trim(s: string) -> string",
       "Removes leading and trailing whitespace.", "trim(.user.email)", R"("Ana@Example.com")"},
      {"contains", 2, 2, {kString | kArray, kAnyType}, Type::kBool, false, f::contains, nullptr,
       "contains(s: string | array, part: any) -> bool",
       "Whether a string contains a substring, or an array contains an element equal to the value.",
       R"(contains(.user.tags, "vip"))", "true"},
      {"starts_with", 2, 2, {kString, kString}, Type::kBool, false, f::starts_with, nullptr,
       "starts_with(s: string, prefix: string) -> bool", "Whether a string starts with a prefix.",
       R"(starts_with(.route, "/api"))", "true"},
      {"ends_with", 2, 2, {kString, kString}, Type::kBool, false, f::ends_with, nullptr,
       "ends_with(s: string, suffix: string) -> bool", "Whether a string ends with a suffix.",
       R"(ends_with(.route, "/orders"))", "true"},
      {"replace", 3, 3, {kString, kString, kString}, Type::kString, false, f::replace, nullptr,
       "replace(s: string, from: string, to: string) -> string",
       "Replaces every occurrence of a literal text (not a pattern).", R"(replace(.route, "/", "."))",
       R"(".api.v1.orders")"},
      {"split", 2, 2, {kString, kString}, Type::kArray, false, f::split, nullptr,
       "split(s: string, separator: string) -> array", "Splits a string at every occurrence of a separator.",
       R"(split(.path, "/"))", R"(["","api","v1","orders","42"])"},
      {"join", 2, 2, {kArray, kString}, Type::kString, false, f::join, nullptr,
       "join(items: array, separator: string) -> string",
       "Joins the elements (as to_string would write them) with a separator.", R"(join(.user.tags, ","))",
       R"("vip,beta")"},
      {"length", 1, 1, {kString | kArray | mask_of(Type::kObject)}, Type::kInt, false, f::length, nullptr,
       "length(x: string | array | object) -> int",
       "Characters (UTF-8 code points) of a string, elements of an array, fields of an object.",
       "length(.user.tags)", "2"},
      // Conversions
      {"to_int", 1, 1, {kScalar}, Type::kInt, false, f::to_int, nullptr, "to_int(x) -> int",
       "An integer from a number (truncated toward zero), a string of digits, a bool (0/1) or a timestamp "
       "(epoch microseconds).",
       "to_int(.attempts)", "3"},
      {"to_float", 1, 1, {kScalar}, Type::kFloat, false, f::to_float, nullptr, "to_float(x) -> float",
       "A float from a number, a numeric string, a bool or a timestamp (epoch microseconds).",
       "to_float(.status)", "503.0"},
      {"to_string", 1, 1, {kAnyType}, Type::kString, false, f::to_string, nullptr, "to_string(x) -> string",
       "Text of any value: numbers in their shortest exact form, timestamps in RFC 3339, arrays and objects as "
       "JSON, null as the empty string.",
       "to_string(.status)", R"("503")"},
      {"to_bool", 1, 1, {kScalar}, Type::kBool, false, f::to_bool, nullptr, "to_bool(x) -> bool",
       "A bool from a bool, a number (non-zero is true) or a string: true/false, yes/no, on/off, 1/0, y/n, t/f "
       "in any case.",
       R"(to_bool("Yes"))", "true"},
      {"parse_timestamp", 1, 2, {kScalar, kString}, Type::kTimestamp, false, f::parse_timestamp, nullptr,
       "parse_timestamp(x: string | number, how?: string) -> timestamp",
       "A timestamp from RFC 3339 text; with how = \"s\", \"ms\", \"us\" or \"ns\" from an epoch number (or "
       "numeric string); with any other how, from text in that strptime format (UTC unless it has %z).",
       "parse_timestamp(.ts)", R"("2026-11-24T10:15:00Z")"},
      {"format_timestamp", 1, 2, {kTimestamp, kString}, Type::kString, false, f::format_timestamp, nullptr,
       "format_timestamp(t: timestamp, format?: string) -> string",
       "RFC 3339 text in UTC, or text in a strftime format in UTC; %f is the microseconds (6 digits).",
       R"(format_timestamp(parse_timestamp(.ts), "%Y-%m-%d %H:%M"))", R"("2026-11-24 10:15")"},
      {"now", 0, 0, {}, Type::kTimestamp, false, f::now, nullptr, "now() -> timestamp",
       "The current time (UTC), read at each evaluation.", "now()", ""},
      // Numbers
      {"round", 1, 2, {kNumeric, kInt}, Type::kInt, false, f::round, nullptr,
       "round(x: number, digits?: int) -> int | float",
       "Rounds half away from zero: to an int, or with digits to a float with that many decimals.",
       "round(.latency_ms)", "413"},
      {"floor", 1, 1, {kNumeric}, Type::kInt, false, f::floor, nullptr, "floor(x: number) -> int",
       "The largest integer not above x.", "floor(.latency_ms)", "412"},
      {"ceil", 1, 1, {kNumeric}, Type::kInt, false, f::ceil, nullptr, "ceil(x: number) -> int",
       "The smallest integer not below x.", "ceil(.latency_ms)", "413"},
      {"abs", 1, 1, {kNumeric}, Type::kAny, true, f::abs, nullptr, "abs(x: number) -> number",
       "The absolute value, of the same type as x.", "abs(0 - .status)", "503"},
      // Nulls and presence
      {"coalesce", 1, -1, {kAnyType}, Type::kAny, true, f::coalesce, nullptr, "coalesce(x, y, ...) -> any",
       "The first argument that is not null (null if all are).", R"(coalesce(.region, .zone, "unknown"))",
       R"("unknown")"},
      {"exists", 1, 1, {kAnyType}, Type::kBool, false, nullptr, nullptr, "exists(path) -> bool",
       "Whether the field is present, even if its value is null. The argument must be a field path.",
       "exists(.user.email)", "true"},
      {"is_null", 1, 1, {kAnyType}, Type::kBool, false, f::is_null, nullptr, "is_null(x) -> bool",
       "Whether a value is null; a missing field is null.", "is_null(.region)", "true"},
      // Hashes
      {"sha256", 1, 1, {kString}, Type::kString, false, f::sha256, nullptr, "sha256(s: string) -> string",
       "SHA-256 of the bytes of s, as 64 lower-case hex digits.", "sha256(.service)",
       R"("c7761e58969f7edd498186641b2021e8477e1bcd230de4cf3435242da4a40d14")"},
      {"hmac_sha256", 2, 2, {kString, kString}, Type::kString, false, f::hmac_sha256, nullptr,
       "hmac_sha256(s: string, key: string) -> string",
       "HMAC-SHA-256 of s with a secret key, as hex: a stable, one-way pseudonym. Put the key in an "
       "environment variable: hmac_sha256(.user_id, \"${TOKEN_KEY}\").",
       R"(hmac_sha256(.service, "k3y"))", R"("4b410811919812671fb55747d514ab25615a4c0cc269dc90e66afb64e0c362d2")"},
      // Regular expressions (RE2 syntax)
      {"regex_match", 2, 2, {kString, kString}, Type::kBool, false, f::regex_match, f::prepare_regex,
       "regex_match(s: string, pattern: string literal) -> bool",
       "Whether the RE2 pattern matches anywhere in s (anchor with ^ and $). The pattern is compiled once when "
       "the pipeline loads.",
       R"(regex_match(.route, "^/api/v[0-9]+/"))", "true"},
      {"regex_capture", 2, 2, {kString, kString}, Type::kAny, false, f::regex_capture, f::prepare_regex,
       "regex_capture(s: string, pattern: string literal) -> object | array | null",
       "The groups of the first match: an object of the named groups (?P<name>...), or an array of the groups "
       "when none is named; null when there is no match.",
       R"x(regex_capture(.path, "^/api/(?P<version>v[0-9]+)/(?P<resource>[a-z]+)"))x",
       R"({"version":"v1","resource":"orders"})"},
  };
}

}  // namespace

const std::vector<FunctionSpec>& builtin_functions() {
  static const std::vector<FunctionSpec> table = make_table();
  return table;
}

const FunctionSpec* find_function(std::string_view name) {
  for (const FunctionSpec& spec : builtin_functions()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const FunctionSpec& spec : builtin_functions()) names.emplace_back(spec.name);
  return names;
}

std::string_view example_event_json() {
  return R"({"service":"checkout","route":"/api/v1/orders","method":"POST","status":503,"latency_ms":412.5,)"
         R"("user":{"email":" Ana@Example.com ","tags":["vip","beta"]},"ts":"2026-11-24T10:15:00Z",)"
         R"("attempts":"3","path":"/api/v1/orders/42","region":null})";
}

bool fail(const CallContext& ctx, std::string message) {
  *ctx.error = std::move(message);
  return false;
}

bool expect_string(const CallContext& ctx, std::string_view function, std::span<const Value> args, size_t i) {
  if (args[i].is_string()) return true;
  return fail(ctx, std::string(function) + ": argument " + std::to_string(i + 1) + " must be a string, got " +
                       value_type_name(args[i].type()));
}

bool expect_number(const CallContext& ctx, std::string_view function, std::span<const Value> args, size_t i) {
  if (args[i].is_number()) return true;
  return fail(ctx, std::string(function) + ": argument " + std::to_string(i + 1) + " must be a number, got " +
                       value_type_name(args[i].type()));
}

}  // namespace sluice::expr

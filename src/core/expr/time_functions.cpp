#include <charconv>
#include <cstring>
#include <ctime>

#include "core/expr/functions.h"
#include "core/time.h"

namespace sluice::expr::functions {
namespace {

bool epoch_unit(std::string_view text, EpochUnit* unit) {
  if (text == "s") *unit = EpochUnit::kSeconds;
  else if (text == "ms") *unit = EpochUnit::kMilliseconds;
  else if (text == "us") *unit = EpochUnit::kMicroseconds;
  else if (text == "ns") *unit = EpochUnit::kNanoseconds;
  else return false;
  return true;
}

bool from_epoch(const CallContext& ctx, const Value& number, EpochUnit unit, Value* out) {
  auto us = number.is_int() ? epoch_to_us(number.as_int(), unit) : epoch_to_us(number.as_number(), unit);
  if (!us) return fail(ctx, "parse_timestamp: " + us.status().message());
  *out = Value::timestamp(*us);
  return true;
}

// strptime with a strftime-style format; the text is UTC unless the format reads
// an offset with %z.
bool parse_with_format(const CallContext& ctx, std::string_view text, std::string_view format, Value* out) {
  std::string text_copy(text);
  std::string format_copy(format);
  struct tm tm;
  std::memset(&tm, 0, sizeof tm);
  const char* end = strptime(text_copy.c_str(), format_copy.c_str(), &tm);
  if (end == nullptr || *end != '\0') {
    return fail(ctx, "parse_timestamp: \"" + text_copy + "\" does not match the format \"" + format_copy + "\"");
  }
  const int64_t days = days_from_civil(int64_t(tm.tm_year) + 1900, unsigned(tm.tm_mon + 1), unsigned(tm.tm_mday));
  const int64_t seconds = days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - tm.tm_gmtoff;
  *out = Value::timestamp(seconds * 1000000);
  return true;
}

}  // namespace

bool parse_timestamp(const CallContext& ctx, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  if (v.is_timestamp()) {
    *out = v;
    return true;
  }
  if (args.size() == 2 && !args[1].is_string()) {
    return fail(ctx, std::string("parse_timestamp: argument 2 must be a string, got ") + value_type_name(args[1].type()));
  }
  std::string_view how = args.size() == 2 ? args[1].as_string() : std::string_view();
  EpochUnit unit = EpochUnit::kSeconds;
  const bool is_unit = !how.empty() && epoch_unit(how, &unit);
  if (v.is_number()) {
    if (!is_unit) return fail(ctx, "parse_timestamp: a number needs its unit as argument 2: \"s\", \"ms\", \"us\" or \"ns\"");
    return from_epoch(ctx, v, unit, out);
  }
  if (!v.is_string()) {
    return fail(ctx, std::string("parse_timestamp: cannot read a timestamp from ") + value_type_name(v.type()));
  }
  std::string_view s = v.as_string();
  if (is_unit) {
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return from_epoch(ctx, Value::integer(n), unit, out);
    double d = 0;
    auto [dptr, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (dec == std::errc() && dptr == s.data() + s.size() && !s.empty()) return from_epoch(ctx, Value::floating(d), unit, out);
    return fail(ctx, "parse_timestamp: \"" + std::string(s.substr(0, 40)) + "\" is not an epoch number");
  }
  if (!how.empty()) return parse_with_format(ctx, s, how, out);
  auto ts = parse_rfc3339(s);
  if (!ts) return fail(ctx, "parse_timestamp: " + ts.status().message());
  *out = Value::timestamp(*ts);
  return true;
}

bool format_timestamp(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!args[0].is_timestamp()) {
    return fail(ctx, std::string("format_timestamp: argument 1 must be a timestamp, got ") + value_type_name(args[0].type()) +
                         " (convert it with parse_timestamp)");
  }
  const int64_t ts_us = args[0].as_timestamp_us();
  if (args.size() == 1) {
    char buf[kRfc3339MaxBytes];
    *out = Value::string(ctx.arena.copy_string({buf, format_rfc3339(ts_us, buf)}));
    return true;
  }
  if (!expect_string(ctx, "format_timestamp", args, 1)) return false;
  // %f (microseconds, 6 digits) is ours; the rest is strftime in UTC.
  int64_t seconds = ts_us >= 0 ? ts_us / 1000000 : -((-ts_us + 999999) / 1000000);
  int64_t micros = ts_us - seconds * 1000000;
  char micro_digits[8];
  std::snprintf(micro_digits, sizeof micro_digits, "%06lld", static_cast<long long>(micros));
  std::string format;
  std::string_view f = args[1].as_string();
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '%' && i + 1 < f.size() && f[i + 1] == 'f') {
      format += micro_digits;
      ++i;
    } else if (f[i] == '%' && i + 1 < f.size()) {
      format += f[i];
      format += f[++i];
    } else {
      format += f[i];
    }
  }
  time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return fail(ctx, "format_timestamp: timestamp out of range");
  char buf[256];
  size_t n = format.empty() ? 0 : std::strftime(buf, sizeof buf, format.c_str(), &tm);
  if (n == 0 && !format.empty()) return fail(ctx, "format_timestamp: the formatted text is empty or longer than 255 bytes");
  *out = Value::string(ctx.arena.copy_string({buf, n}));
  return true;
}

bool now(const CallContext&, std::span<const Value>, Value* out) {
  *out = Value::timestamp(now_us());
  return true;
}

}  // namespace sluice::expr::functions

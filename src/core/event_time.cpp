#include "core/event_time.h"

#include <cmath>

#include "core/time.h"

namespace sluice {

std::optional<TimeFormat> parse_time_format(std::string_view name) {
  if (name == "auto") return TimeFormat::kAuto;
  if (name == "rfc3339") return TimeFormat::kRfc3339;
  if (name == "unix_s") return TimeFormat::kUnixSeconds;
  if (name == "unix_ms") return TimeFormat::kUnixMillis;
  if (name == "unix_us") return TimeFormat::kUnixMicros;
  if (name == "unix_ns") return TimeFormat::kUnixNanos;
  return std::nullopt;
}

namespace {

EpochUnit unit_of(TimeFormat format, double magnitude) {
  switch (format) {
    case TimeFormat::kUnixSeconds: return EpochUnit::kSeconds;
    case TimeFormat::kUnixMillis: return EpochUnit::kMilliseconds;
    case TimeFormat::kUnixMicros: return EpochUnit::kMicroseconds;
    case TimeFormat::kUnixNanos: return EpochUnit::kNanoseconds;
    default: break;
  }
  const double m = std::fabs(magnitude);
  if (m < 1e11) return EpochUnit::kSeconds;
  if (m < 1e14) return EpochUnit::kMilliseconds;
  if (m < 1e17) return EpochUnit::kMicroseconds;
  return EpochUnit::kNanoseconds;
}

}  // namespace

Status EventTime::apply(Event& event) const {
  const Value* v = lookup(event.fields, field_);
  if (v == nullptr || v->is_null()) return Status::ok();
  const std::string where = "time field " + field_.to_string();
  Result<int64_t> ts = Status::invalid("");
  if (v->is_timestamp()) {
    event.time_us = v->as_timestamp_us();
    return Status::ok();
  } else if (v->is_string()) {
    if (format_ != TimeFormat::kAuto && format_ != TimeFormat::kRfc3339) {
      return Status::invalid(where + ": expected an epoch number, got the string \"" +
                             std::string(v->as_string().substr(0, 64)) + "\"");
    }
    ts = parse_rfc3339(v->as_string());
  } else if (v->is_int() && format_ != TimeFormat::kRfc3339) {
    ts = epoch_to_us(v->as_int(), unit_of(format_, static_cast<double>(v->as_int())));
  } else if (v->is_double() && format_ != TimeFormat::kRfc3339) {
    ts = epoch_to_us(v->as_double(), unit_of(format_, v->as_double()));
  } else {
    return Status::invalid(where + ": expected " +
                           (format_ == TimeFormat::kRfc3339 ? std::string("an RFC 3339 string")
                                                            : std::string("a time string or an epoch number")) +
                           ", got " + value_type_name(v->type()));
  }
  if (!ts) return Status::invalid(where + ": " + ts.status().message());
  event.time_us = *ts;
  return Status::ok();
}

}  // namespace sluice

// EventTime: takes an event's time from one of its fields.
//
// Sources that receive events from outside (HTTP, files, Kafka) set the event time
// from a configured field, so windows see when something happened, not when it
// arrived. Accepted forms: a timestamp value; an RFC 3339 string; an epoch number
// in a given unit, or with `auto` the unit its magnitude implies (< 1e11 seconds,
// < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds — which reads every
// date between 1973 and 5138 correctly). A missing field leaves the time unset
// (the source then uses the ingest time); a present but unreadable one is an error
// naming the field and the value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/batch.h"
#include "core/field_path.h"
#include "core/status.h"

namespace sluice {

enum class TimeFormat { kAuto, kRfc3339, kUnixSeconds, kUnixMillis, kUnixMicros, kUnixNanos };

// "auto", "rfc3339", "unix_s", "unix_ms", "unix_us", "unix_ns"; nullopt for anything else.
std::optional<TimeFormat> parse_time_format(std::string_view name);

class EventTime {
 public:
  EventTime(FieldPath field, TimeFormat format) : field_(std::move(field)), format_(format) {}

  // Sets event.time_us from the field; leaves it unchanged when the field is absent or null.
  Status apply(Event& event) const;

 private:
  FieldPath field_;
  TimeFormat format_;
};

}  // namespace sluice

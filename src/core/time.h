// Time: UTC microseconds since the Unix epoch, and the text forms it is read from
// and written as.
//
// Every timestamp inside sluice is UTC microseconds (int64: ±292,000 years).
// Readers accept RFC 3339 (fractions up to nanoseconds, `Z` or ±hh:mm offsets,
// `T` or space separator) and epoch numbers in s, ms, us or ns; finer than
// microsecond precision is truncated toward negative infinity.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice {

enum class EpochUnit { kSeconds, kMilliseconds, kMicroseconds, kNanoseconds };

int64_t now_us();
// The steady (monotonic) clock in microseconds: for timeouts and intervals, never
// for event time. Only differences between two readings mean anything.
int64_t steady_now_us();

// RFC 3339 / ISO 8601 date-time with offset. Errors name the offending offset.
Result<int64_t> parse_rfc3339(std::string_view text);

// Formats as `2026-11-24T10:15:00.123456Z`; the fraction is omitted when zero
// unless `always_fraction` (then every time has the same width and text order is
// time order, for years 0000-9999). Writes at most kRfc3339MaxBytes into `out` and
// returns the length.
inline constexpr size_t kRfc3339MaxBytes = 40;
size_t format_rfc3339(int64_t ts_us, char* out, bool always_fraction = false);
std::string format_rfc3339(int64_t ts_us);

// Converts an epoch number in `unit` to microseconds; fails on overflow.
Result<int64_t> epoch_to_us(int64_t value, EpochUnit unit);
Result<int64_t> epoch_to_us(double value, EpochUnit unit);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace sluice

#include "core/time.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sluice {
namespace {

constexpr int64_t kUsPerSecond = 1'000'000;
constexpr int64_t kUsPerDay = 86'400 * kUsPerSecond;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool read_digits(std::string_view s, size_t& pos, size_t count, int* out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  pos += count;
  return true;
}

Status bad(std::string_view text, size_t pos, const char* what) {
  return Status::invalid("invalid timestamp \"" + std::string(text.substr(0, 64)) + "\": " + what +
                         " at offset " + std::to_string(pos));
}

unsigned days_in_month(int64_t year, unsigned month) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t steady_now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// Howard Hinnant's public-domain civil calendar algorithms, restated.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

Result<int64_t> parse_rfc3339(std::string_view s) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(s, pos, 4, &year)) return bad(s, pos, "expected a 4-digit year");
  if (pos >= s.size() || s[pos] != '-') return bad(s, pos, "expected '-'");
  ++pos;
  if (!read_digits(s, pos, 2, &month) || month < 1 || month > 12) return bad(s, pos, "expected month 01-12");
  if (pos >= s.size() || s[pos] != '-') return bad(s, pos, "expected '-'");
  ++pos;
  if (!read_digits(s, pos, 2, &day) || day < 1 || unsigned(day) > days_in_month(year, month)) {
    return bad(s, pos, "day out of range for the month");
  }
  int64_t fraction_us = 0;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return bad(s, pos, "expected 'T' after the date");
    ++pos;
    if (!read_digits(s, pos, 2, &hour) || hour > 23) return bad(s, pos, "expected hour 00-23");
    if (pos >= s.size() || s[pos] != ':') return bad(s, pos, "expected ':'");
    ++pos;
    if (!read_digits(s, pos, 2, &minute) || minute > 59) return bad(s, pos, "expected minute 00-59");
    if (pos >= s.size() || s[pos] != ':') return bad(s, pos, "expected ':'");
    ++pos;
    // 60 is accepted for leap seconds and folded into the next second.
    if (!read_digits(s, pos, 2, &second) || second > 60) return bad(s, pos, "expected second 00-60");
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      size_t start = pos;
      int64_t scale = 100000;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        fraction_us += (s[pos] - '0') * scale;  // digits past microseconds add 0
        scale /= 10;
        ++pos;
      }
      if (pos == start) return bad(s, pos, "expected digits after the decimal point");
      if (pos - start > 9) return bad(s, pos, "more than 9 fractional digits");
    }
    if (pos >= s.size()) return bad(s, pos, "missing time zone ('Z' or an offset such as +07:00)");
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh, om;
      if (!read_digits(s, pos, 2, &oh) || oh > 23) return bad(s, pos, "expected offset hours");
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (!read_digits(s, pos, 2, &om) || om > 59) return bad(s, pos, "expected offset minutes");
      offset_s = sign * (oh * 3600 + om * 60);
    } else {
      return bad(s, pos, "expected 'Z' or an offset such as +07:00");
    }
  }
  if (pos != s.size()) return bad(s, pos, "unexpected trailing characters");
  int64_t days = days_from_civil(year, month, day);
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return secs * kUsPerSecond + fraction_us;
}

namespace {
char* put_digits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}
}  // namespace

// Digits written by hand: this runs for every timestamp a sink writes as text,
// where snprintf cost more than the rest of the row.
size_t format_rfc3339(int64_t ts_us, char* out, bool always_fraction) {
  int64_t days = floor_div(ts_us, kUsPerDay);
  int64_t rem = ts_us - days * kUsPerDay;
  int64_t year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  int64_t secs = rem / kUsPerSecond;
  int64_t us = rem % kUsPerSecond;
  if (year < 0 || year > 9999) {  // rare: let snprintf handle the sign and width
    const bool fraction = us != 0 || always_fraction;
    const int n = std::snprintf(out, kRfc3339MaxBytes, fraction ? "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ"
                                                                : "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                                static_cast<long long>(year), month, day, static_cast<long long>(secs / 3600),
                                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                                static_cast<long long>(us));
    return n < 0 ? 0 : static_cast<size_t>(n);
  }
  char* p = put_digits(out, year, 4);
  *p++ = '-';
  p = put_digits(p, month, 2);
  *p++ = '-';
  p = put_digits(p, day, 2);
  *p++ = 'T';
  p = put_digits(p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, secs % 60, 2);
  if (us != 0 || always_fraction) {
    *p++ = '.';
    p = put_digits(p, us, 6);
  }
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

std::string format_rfc3339(int64_t ts_us) {
  char buf[kRfc3339MaxBytes];
  return std::string(buf, format_rfc3339(ts_us, buf));
}

Result<int64_t> epoch_to_us(int64_t value, EpochUnit unit) {
  int64_t out;
  switch (unit) {
    case EpochUnit::kSeconds:
      if (__builtin_mul_overflow(value, kUsPerSecond, &out)) break;
      return out;
    case EpochUnit::kMilliseconds:
      if (__builtin_mul_overflow(value, int64_t{1000}, &out)) break;
      return out;
    case EpochUnit::kMicroseconds: return value;
    case EpochUnit::kNanoseconds: return floor_div(value, 1000);
  }
  return Status::invalid("epoch value " + std::to_string(value) + " is out of the timestamp range");
}

Result<int64_t> epoch_to_us(double value, EpochUnit unit) {
  double scale = unit == EpochUnit::kSeconds        ? 1e6
                 : unit == EpochUnit::kMilliseconds ? 1e3
                 : unit == EpochUnit::kMicroseconds ? 1.0
                                                    : 1e-3;
  double us = std::floor(value * scale);
  if (!std::isfinite(us) || us < -9.2e18 || us > 9.2e18) {
    return Status::invalid("epoch value is out of the timestamp range");
  }
  return static_cast<int64_t>(us);
}

}  // namespace sluice

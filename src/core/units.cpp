#include "core/units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace sluice {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

constexpr Unit kDurationUnits[] = {{"ns", 1e-3}, {"us", 1}, {"µs", 1}, {"ms", 1e3},
                                   {"s", 1e6},   {"m", 60e6}, {"h", 3600e6}, {"d", 86400e6}};
constexpr Unit kSizeUnits[] = {{"B", 1},         {"KB", 1e3},          {"MB", 1e6},
                               {"GB", 1e9},      {"TB", 1e12},         {"KiB", 1024.0},
                               {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};

// Reads "<number><unit>" at pos; returns false if no number is there.
bool read_number(std::string_view s, size_t& pos, double* out) {
  size_t start = pos;
  while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.')) ++pos;
  if (pos == start) return false;
  std::string digits(s.substr(start, pos - start));
  char* end = nullptr;
  *out = std::strtod(digits.c_str(), &end);
  return end == digits.c_str() + digits.size();
}

std::string_view read_unit(std::string_view s, size_t& pos) {
  size_t start = pos;
  while (pos < s.size() && !std::isdigit(static_cast<unsigned char>(s[pos])) && s[pos] != '.' &&
         s[pos] != ' ') {
    ++pos;
  }
  return s.substr(start, pos - start);
}

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

}  // namespace

Result<int64_t> parse_duration_us(std::string_view raw) {
  std::string text = trim(raw);
  auto fail = [&](const std::string& why) {
    return Status::invalid("invalid duration \"" + std::string(raw) + "\": " + why +
                           " (write a number with a unit: ns, us, ms, s, m, h, d — for example \"500ms\" or \"1m\")");
  };
  if (text.empty()) return fail("it is empty");
  if (text == "0") return int64_t{0};
  size_t pos = 0;
  double total = 0;
  while (pos < text.size()) {
    double number;
    if (!read_number(text, pos, &number)) return fail("expected a number at offset " + std::to_string(pos));
    std::string_view unit = read_unit(text, pos);
    if (unit.empty()) return fail("missing unit after " + std::string(text.substr(0, pos)));
    const Unit* found = nullptr;
    for (const Unit& u : kDurationUnits) {
      if (u.name == unit) found = &u;
    }
    if (found == nullptr) return fail("unknown unit \"" + std::string(unit) + "\"");
    total += number * found->factor;
  }
  if (!std::isfinite(total) || total > 9.2e18) return fail("too large");
  return static_cast<int64_t>(std::llround(total));
}

Result<int64_t> parse_size_bytes(std::string_view raw) {
  std::string text = trim(raw);
  auto fail = [&](const std::string& why) {
    return Status::invalid("invalid size \"" + std::string(raw) + "\": " + why +
                           " (write a number with a unit: B, KB, MB, GB, KiB, MiB, GiB — for example \"64MiB\")");
  };
  if (text.empty()) return fail("it is empty");
  size_t pos = 0;
  double number;
  if (!read_number(text, pos, &number)) return fail("expected a number at offset 0");
  while (pos < text.size() && text[pos] == ' ') ++pos;
  std::string_view unit = read_unit(text, pos);
  if (pos != text.size()) return fail("unexpected text after the unit");
  double factor = 1;
  if (!unit.empty()) {
    const Unit* found = nullptr;
    for (const Unit& u : kSizeUnits) {
      if (u.name == unit) found = &u;
    }
    if (found == nullptr) return fail("unknown unit \"" + std::string(unit) + "\"");
    factor = found->factor;
  } else if (number != std::floor(number)) {
    return fail("a size without a unit must be a whole number of bytes");
  }
  double total = number * factor;
  if (!std::isfinite(total) || total > 9.2e18) return fail("too large");
  return static_cast<int64_t>(std::llround(total));
}

std::string format_duration_us(int64_t us) {
  if (us % 86400000000 == 0 && us != 0) return std::to_string(us / 86400000000) + "d";
  if (us % 3600000000 == 0 && us != 0) return std::to_string(us / 3600000000) + "h";
  if (us % 60000000 == 0 && us != 0) return std::to_string(us / 60000000) + "m";
  if (us % 1000000 == 0) return std::to_string(us / 1000000) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

std::string format_size_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (i < 4 && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++i;
  }
  return std::to_string(bytes) + units[i];
}

}  // namespace sluice

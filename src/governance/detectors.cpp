#include "governance/detectors.h"

#include <arpa/inet.h>

#include <array>

namespace sluice::governance {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// The digits of `v` when it holds only digits and the separators in `allowed`;
// empty otherwise. At most 24 digits are kept (longer is none of ours).
std::string digits_only(std::string_view v, std::string_view allowed) {
  std::string out;
  for (char c : v) {
    if (is_digit(c)) {
      if (out.size() == 24) return {};
      out += c;
    } else if (allowed.find(c) == std::string_view::npos) {
      return {};
    }
  }
  return out;
}

int two_digits(std::string_view s, size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

}  // namespace

bool is_email(std::string_view v) {
  v = trim(v);
  const size_t at = v.find('@');
  if (at == 0 || at == std::string_view::npos || at > 64 || v.size() > 254) return false;
  const std::string_view local = v.substr(0, at), domain = v.substr(at + 1);
  if (local.front() == '.' || local.back() == '.') return false;
  for (size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    const bool ok =
        is_alpha(c) || is_digit(c) || std::string_view("._%+-'").find(c) != std::string_view::npos;
    if (!ok || (c == '.' && i + 1 < local.size() && local[i + 1] == '.')) return false;
  }
  // Domain: labels of letters, digits and inner hyphens; at least two; the last (TLD) alphabetic,
  // ≥ 2.
  size_t labels = 0, start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
    }
    ++labels;
    if (end == domain.size()) {
      if (label.size() < 2) return false;
      for (char c : label) {
        if (!is_alpha(c)) return false;
      }
      break;
    }
    start = end + 1;
  }
  return labels >= 2;
}

bool is_phone(std::string_view v) {
  v = trim(v);
  if (v.size() < 8 || v.size() > 24) return false;
  const bool plus = v.front() == '+';
  const std::string d = digits_only(plus ? v.substr(1) : v, " -.()");
  if (d.empty()) return false;
  if (plus) {
    // E.164: a country code (never 0) and at most 15 digits in all.
    return d.size() >= 8 && d.size() <= 15 && d[0] != '0';
  }
  // Indonesia without '+': 62 8… (mobile, country code written) or 08… (national mobile).
  if (d.rfind("628", 0) == 0) return d.size() >= 11 && d.size() <= 14;
  if (d.rfind("08", 0) == 0) return d.size() >= 10 && d.size() <= 13;
  // Indonesian landline, area code written apart: "(021) 5550123", "021-5550123", "0274 555012".
  const bool separated = v.find_first_of(" -()") != std::string_view::npos;
  return separated && d[0] == '0' && d[1] != '0' && d.size() >= 9 && d.size() <= 12;
}

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool is_payment_card(std::string_view v) {
  v = trim(v);
  const std::string d = digits_only(v, " -");
  if (d.size() < 13 || d.size() > 19 || !luhn_valid(d)) return false;
  // Issuer prefixes of the networks in use (Visa, Mastercard, Amex, Discover, JCB,
  // UnionPay, Diners): a Luhn-valid number outside them is more likely an id.
  const int p2 = two_digits(d, 0), p4 = std::stoi(d.substr(0, 4));
  return d[0] == '4' || (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720) || p2 == 34 ||
         p2 == 37 || p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499) || p2 == 35 || p2 == 62 ||
         p2 == 36 || p2 == 38 || (p2 == 30 && d[2] >= '0' && d[2] <= '5');
}

bool is_ipv4(std::string_view v) {
  v = trim(v);
  int parts = 0;
  size_t i = 0;
  while (i <= v.size()) {
    size_t end = v.find('.', i);
    if (end == std::string_view::npos) end = v.size();
    const std::string_view part = v.substr(i, end - i);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int n = 0;
    for (char c : part) {
      if (!is_digit(c)) return false;
      n = n * 10 + (c - '0');
    }
    if (n > 255) return false;
    ++parts;
    if (end == v.size()) break;
    i = end + 1;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view v) {
  v = trim(v);
  if (v.size() < 2 || v.size() > 45 || v.find(':') == std::string_view::npos) return false;
  std::array<char, 46> text{};
  v.copy(text.data(), v.size());
  unsigned char out[16];
  return inet_pton(AF_INET6, text.data(), out) == 1;
}

bool is_nik(std::string_view v) {
  v = trim(v);
  if (v.size() != 16) return false;
  for (char c : v) {
    if (!is_digit(c)) return false;
  }
  // The province codes in use: Sumatra 11-19 and 21, Java and Bali-Nusa Tenggara
  // 31-36 and 51-53, Kalimantan 61-65, Sulawesi 71-76, Maluku 81-82, Papua 91-96.
  const int province = two_digits(v, 0);
  const bool known = (province >= 11 && province <= 19) || province == 21 ||
                     (province >= 31 && province <= 36) || (province >= 51 && province <= 53) ||
                     (province >= 61 && province <= 65) || (province >= 71 && province <= 76) ||
                     province == 81 || province == 82 || (province >= 91 && province <= 96);
  if (!known) return false;
  if (two_digits(v, 2) == 0 || two_digits(v, 4) == 0) return false;  // regency, district
  // Day of birth, plus 40 for women; month; two-digit year (so 29 Feb only in years divisible by
  // 4).
  int day = two_digits(v, 6);
  if (day > 40) day -= 40;
  const int month = two_digits(v, 8), year = two_digits(v, 10);
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  if (month == 2 && day == 29 && year % 4 != 0) return false;
  return v.substr(12) != "0000";  // the serial starts at 0001
}

Detectors Detectors::builtin() {
  return Detectors();
}

Status Detectors::add_pattern(std::string name, std::string_view pattern, DataClass data_class) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return Status::invalid("pattern \"" + name + "\": " + re->error());
  patterns_.push_back({std::move(name), std::move(re), data_class});
  return Status::ok();
}

std::optional<Detection> Detectors::detect(std::string_view value) const {
  const std::string_view v = trim(value);
  if (v.size() < 2) return std::nullopt;
  std::optional<Detection> best;
  auto consider = [&](std::string_view name, DataClass c) {
    if (!best || c > best->data_class) best = Detection{name, c};
  };
  // Cheap looks first: most values are none of these and leave after a glance.
  const bool has_at = v.find('@') != std::string_view::npos;
  const bool has_colon = v.find(':') != std::string_view::npos;
  const bool starts_numeric = is_digit(v.front()) || v.front() == '+' || v.front() == '(';
  if (starts_numeric) {
    if (is_payment_card(v)) {
      consider("payment_card", DataClass::kRestricted);
    } else if (is_nik(v)) {
      consider("nik", DataClass::kRestricted);
    } else if (is_ipv4(v)) {
      consider("ipv4", DataClass::kInternal);
    } else if (is_phone(v)) {
      consider("phone", DataClass::kConfidential);
    }
  }
  if (has_at && is_email(v)) consider("email", DataClass::kConfidential);
  if (has_colon && !best && is_ipv6(v)) consider("ipv6", DataClass::kInternal);
  for (const Pattern& p : patterns_) {
    if ((!best || p.data_class > best->data_class) &&
        RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *p.re)) {
      consider(p.name, p.data_class);
    }
  }
  return best;
}

}  // namespace sluice::governance

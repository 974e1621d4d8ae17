// Detectors: recognise sensitive values by what they hold, not by field names.
//
// Each built-in detector decides whether a whole value (surrounding spaces
// ignored) is one thing: an email address, a phone number (international E.164 or
// Indonesian national formats), a payment card number (a known issuer prefix, 13-19
// digits and a valid Luhn check), an IPv4 or IPv6 address, or an Indonesian national
// ID (NIK: 16 digits whose region and date of birth parts are valid). Whole values
// only, so free text that mentions an address is not taken for one: a precise
// detector is one a govern policy can act on without breaking data.
//
// User-defined detectors are RE2 patterns (linear time, so a pattern cannot make a
// value take forever); a pattern must match the whole value.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "governance/data_class.h"

namespace sluice::governance {

bool is_email(std::string_view value);
bool is_phone(std::string_view value);
bool is_payment_card(std::string_view value);
bool is_ipv4(std::string_view value);
bool is_ipv6(std::string_view value);
bool is_nik(std::string_view value);
// The Luhn (mod 10) check of a string of digits.
bool luhn_valid(std::string_view digits);

struct Detection {
  std::string_view
      detector;  // "email", "phone", "payment_card", "ipv4", "ipv6", "nik" or a pattern's name
  DataClass data_class;
};

class Detectors {
 public:
  // email, phone: confidential; payment_card, nik: restricted; ipv4, ipv6: internal.
  static Detectors builtin();

  // A user-defined detector: `pattern` must match the whole value.
  Status add_pattern(std::string name, std::string_view pattern, DataClass data_class);

  // The detector of the highest class that recognises `value`; none: nullopt.
  std::optional<Detection> detect(std::string_view value) const;

 private:
  struct Pattern {
    std::string name;
    std::unique_ptr<RE2> re;
    DataClass data_class;
  };
  std::vector<Pattern> patterns_;
};

}  // namespace sluice::governance

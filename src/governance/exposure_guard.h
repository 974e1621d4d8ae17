// ExposureGuard: the run-time half of least exposure. A sink with `accepts:` below
// restricted looks at every value of every event before it writes it; an event in
// which a detector recognises a value of a class above the sink's clearance is
// refused (the runtime sends it to <sink>.rejected), never written.
//
// This catches what the schemas did not declare: a raw email in a free-form field, a
// card number nested in a payload. The same detectors as govern's (detectors.h), on
// the same values: strings, and numbers of 13 digits or more (a card number sent as a
// number is still a card number). Tokens and encrypted values are not looked into.
#pragma once

#include <string>
#include <vector>

#include "core/field_names.h"
#include "core/value.h"
#include "governance/data_class.h"
#include "governance/detectors.h"

namespace sluice::governance {

class ExposureGuard {
 public:
  explicit ExposureGuard(DataClass clearance);

  DataClass clearance() const { return clearance_; }
  // Why `event` may not reach the sink — "field .contact holds an email
  // (confidential)", never the value itself — or the empty string when it may.
  std::string check(const Value& event);

 private:
  bool walk(const Value& v);

  Detectors detectors_;
  DataClass clearance_;
  std::vector<std::string_view> path_;
  std::string found_;
  std::string scratch_;
};

}  // namespace sluice::governance

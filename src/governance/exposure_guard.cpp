#include "governance/exposure_guard.h"

#include "governance/protect.h"

namespace sluice::governance {

ExposureGuard::ExposureGuard(DataClass clearance)
    : detectors_(Detectors::builtin()), clearance_(clearance) {}

std::string ExposureGuard::check(const Value& event) {
  path_.clear();
  found_.clear();
  walk(event);
  return found_;
}

// False (found_ set) at the first value above the clearance.
bool ExposureGuard::walk(const Value& v) {
  if (v.is_object()) {
    for (const auto& field : v.as_object()) {
      path_.push_back(FieldNames::name(field.name));
      const bool ok = walk(field.value);
      path_.pop_back();
      if (!ok) return false;
    }
    return true;
  }
  if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      if (!walk(item)) return false;
    }
    return true;
  }
  std::string_view text;
  switch (v.type()) {
    case ValueType::kString:
      text = v.as_string();
      break;
    case ValueType::kInt:
      // Under 13 digits: a count or a code, never a card or an ID (see below).
      if (v.as_int() > -1'000'000'000'000 && v.as_int() < 1'000'000'000'000) return true;
      scratch_ = std::to_string(v.as_int());
      text = scratch_;
      break;
    case ValueType::kDouble:
      text = v.big_integer_digits();
      break;
    default:
      return true;
  }
  // Numbers shorter than a card or an ID are counts and codes, not personal data.
  if (text.empty() || (!v.is_string() && text.size() < 13) || is_protected_text(text)) return true;
  const std::optional<Detection> found = detectors_.detect(text);
  if (!found || found->data_class <= clearance_) return true;
  found_ = "field ";
  for (std::string_view p : path_) found_.append(".").append(p);
  found_ += " holds ";
  found_ += found->detector == "email" || found->detector == "ipv4" || found->detector == "ipv6"
                ? "an "
                : "a ";
  found_ += found->detector;
  found_ += " value (";
  found_ += data_class_name(found->data_class);
  found_ += "), above what the sink accepts";
  return false;
}

}  // namespace sluice::governance

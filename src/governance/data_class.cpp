#include "governance/data_class.h"

namespace sluice::governance {

const char* data_class_name(DataClass c) {
  switch (c) {
    case DataClass::kPublic:
      return "public";
    case DataClass::kInternal:
      return "internal";
    case DataClass::kConfidential:
      return "confidential";
    case DataClass::kRestricted:
      return "restricted";
  }
  return "restricted";
}

std::optional<DataClass> parse_data_class(std::string_view name) {
  for (DataClass c : {DataClass::kPublic, DataClass::kInternal, DataClass::kConfidential,
                      DataClass::kRestricted}) {
    if (name == data_class_name(c)) return c;
  }
  return std::nullopt;
}

}  // namespace sluice::governance

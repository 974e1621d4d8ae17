// DataClass: how sensitive a value is, lowest first. A sink declares the classes it
// may receive; a govern action (tokenize, mask, drop, ...) lowers a value's class.
#pragma once

#include <optional>
#include <string_view>

namespace sluice::governance {

enum class DataClass : unsigned char { kPublic, kInternal, kConfidential, kRestricted };

const char* data_class_name(DataClass c);
std::optional<DataClass> parse_data_class(std::string_view name);

}  // namespace sluice::governance

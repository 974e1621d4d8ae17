// A JSON string literal: `text` between quotes, with '"', '\\' and control characters
// escaped. Every JSON the project writes (events, API answers, status) goes through it.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

void append_json_string(std::string_view text, std::string& out);

}  // namespace sluice

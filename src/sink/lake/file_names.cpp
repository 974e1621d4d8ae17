#include "sink/lake/file_names.h"

#include <charconv>
#include <cstdio>

namespace sluice::sink::lake {

namespace {
constexpr std::string_view kSuffix = ".parquet";
constexpr std::string_view kTempSuffix = ".tmp";

std::string padded(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(v));
  return buf;
}

// Takes the last '-'-separated number off `rest`.
bool take_number(std::string_view& rest, int64_t* out) {
  const size_t dash = rest.rfind('-');
  if (dash == std::string_view::npos) return false;
  const std::string_view digits = rest.substr(dash + 1);
  if (digits.empty()) return false;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || *out < 0) return false;
  rest = rest.substr(0, dash);
  return true;
}
}  // namespace

std::string logged_file_name(std::string_view prefix, std::string_view topic, int32_t partition,
                             int64_t first_offset, int64_t last_offset) {
  return std::string(prefix) + "." + std::string(topic) + "-" + std::to_string(partition) + "-" +
         padded(first_offset) + "-" + padded(last_offset) + std::string(kSuffix);
}

std::string unlogged_file_name(std::string_view prefix, int64_t opened_us, uint64_t sequence) {
  return std::string(prefix) + ".nolog-" + padded(opened_us) + "-" + std::to_string(sequence) +
         std::string(kSuffix);
}

std::string temp_file_name(std::string_view prefix, std::string_view unique) {
  return "." + std::string(prefix) + "." + std::string(unique) + std::string(kTempSuffix);
}

std::optional<LoggedFileName> parse_logged_file_name(std::string_view name,
                                                     std::string_view prefix) {
  if (name.size() <= prefix.size() + 1 + kSuffix.size()) return std::nullopt;
  if (name.substr(0, prefix.size()) != prefix || name[prefix.size()] != '.' ||
      !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  std::string_view rest = name.substr(0, name.size() - kSuffix.size()).substr(prefix.size() + 1);
  LoggedFileName parsed;
  int64_t partition = 0;
  if (!take_number(rest, &parsed.last_offset) || !take_number(rest, &parsed.first_offset) ||
      !take_number(rest, &partition) || rest.empty() || partition > INT32_MAX) {
    return std::nullopt;
  }
  parsed.partition = static_cast<int32_t>(partition);
  parsed.topic = std::string(rest);
  return parsed;
}

bool is_temp_file_name(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() + 2 && name[0] == '.' &&
         name.substr(1, prefix.size()) == prefix && name[prefix.size() + 1] == '.' &&
         name.ends_with(kTempSuffix);
}

}  // namespace sluice::sink::lake

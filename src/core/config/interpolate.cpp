#include "core/config/interpolate.h"

#include <cctype>
#include <cstdlib>

namespace sluice {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> interpolate(std::string_view text, const EnvLookup& env) {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += '$';  // a lone '$' is literal
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Status::invalid("unterminated \"${\" at offset " + std::to_string(i) + " (close it with \"}\")");
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    size_t sep = body.find(":-");
    if (sep != std::string_view::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
    }
    bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char ch : name) valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!valid) {
      return Status::invalid("invalid environment variable name \"" + std::string(name) +
                             "\" in \"${" + std::string(body) + "}\"");
    }
    std::optional<std::string> value = env(std::string(name));
    if (value && !(fallback && value->empty())) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      return Status::not_found("environment variable " + std::string(name) +
                               " is not set (set it, or give a default with ${" + std::string(name) +
                               ":-value})");
    }
    i = close + 1;
  }
  return out;
}

}  // namespace sluice

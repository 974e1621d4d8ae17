#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/commands.h"

namespace sluice::cli {

void setup_logging(const std::string& flag_level) {
  std::string level = flag_level;
  if (level.empty()) {
    const char* env = std::getenv("SLUICE_LOG_LEVEL");
    level = env ? env : "info";
  }
  auto logger = spdlog::stderr_color_mt("sluice");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // from_str falls back to "off" for unknown names; an unknown level should not silence the log.
  if (parsed == spdlog::level::off && level != "off") {
    parsed = spdlog::level::info;
    logger->warn("unknown log level \"{}\"; using info", level);
  }
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
}

}  // namespace sluice::cli

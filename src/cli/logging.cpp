#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/commands.h"
#include "observe/json_log_formatter.h"
#include "observe/rate_limited_sink.h"

namespace sluice::cli {

namespace {

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v";
constexpr int64_t kRepeatIntervalUs = 10'000'000;  // a repeated message passes at most once per 10 s

bool level_given = false;  // by --log-level or SLUICE_LOG_LEVEL, which the pipeline file does not override

spdlog::level::level_enum parse_level(const std::string& level, spdlog::logger& logger) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // from_str falls back to "off" for unknown names; an unknown level should not silence the log.
  if (parsed == spdlog::level::off && level != "off") {
    logger.warn("unknown log level \"{}\"; using info", level);
    return spdlog::level::info;
  }
  return parsed;
}

}  // namespace

void setup_logging(const std::string& flag_level) {
  std::string level = flag_level;
  if (level.empty()) {
    const char* env = std::getenv("SLUICE_LOG_LEVEL");
    if (env && *env) level = env;
  }
  level_given = !level.empty();
  auto sink = std::make_shared<observe::RateLimitedSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>(),
                                                         kRepeatIntervalUs);
  auto logger = std::make_shared<spdlog::logger>("sluice", sink);
  logger->set_pattern(kTextPattern, spdlog::pattern_time_type::utc);
  logger->set_level(level_given ? parse_level(level, *logger) : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void apply_logging_settings(const OptionValues& observe) {
  auto logger = spdlog::default_logger();
  if (observe.has("log_format") && observe.get_string("log_format") == "json") {
    logger->set_formatter(std::make_unique<observe::JsonLogFormatter>());
  }
  if (!level_given && observe.has("log_level")) logger->set_level(parse_level(observe.get_string("log_level"), *logger));
}

}  // namespace sluice::cli

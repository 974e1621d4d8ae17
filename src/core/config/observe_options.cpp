#include "core/config/observe_options.h"

namespace sluice {

const std::vector<OptionSpec>& observe_section_options() {
  static const std::vector<OptionSpec> options = {
      OptionSpec::optional(
          "address", OptionType::kString, "",
          "host:port of the admin API (/metrics, /health, /ready, /api/v1/components); "
          "empty: off. Unauthenticated: bind it to loopback or an internal interface."),
      OptionSpec::optional(
          "log_format", OptionType::kEnum, "text",
          "Format of sluice's own log on stderr: text (one readable line per message) or json "
          "(one object per line, for log shippers).")
          .one_of({"text", "json"}),
      OptionSpec::optional(
          "log_level", OptionType::kEnum, "info",
          "Least severe level logged; SLUICE_LOG_LEVEL and --log-level override it.")
          .one_of({"trace", "debug", "info", "warn", "error", "off"}),
  };
  return options;
}

}  // namespace sluice

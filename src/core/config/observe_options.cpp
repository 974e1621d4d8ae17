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
      OptionSpec::optional(
          "history_interval", OptionType::kDuration, "10s",
          "How often sluice records its own key metrics (per component and for the process) into "
          "data_dir/metrics_history.db, as history for capacity reports; 0s: off.")
          .at_least(0),
      OptionSpec::optional("history_retention", OptionType::kDuration, "30d",
                           "Delete history rows older than this; 0s: keep them all.")
          .at_least(0),
      OptionSpec::optional("tls_cert", OptionType::kString, "",
                           "PEM certificate chain file; with tls_key the admin address (and the dashboard) "
                           "is served over HTTPS only."),
      OptionSpec::optional("tls_key", OptionType::kString, "", "PEM private key file of tls_cert."),
      OptionSpec::optional(
          "trace_endpoint", OptionType::kString, "",
          "OTLP/HTTP (JSON) traces URL of a collector, e.g. http://127.0.0.1:4318/v1/traces; empty: no "
          "tracing. Sampled ingest requests are traced through append, every transform and every sink write."),
      OptionSpec::optional("trace_sampling", OptionType::kFloat, "0.01",
                           "Share of ingest requests without a sampled traceparent that start a trace (0 to 1); "
                           "a request with a valid traceparent follows its sampled flag.")
          .between(0, 1),
      OptionSpec::optional("trace_ca_file", OptionType::kString, "",
                           "PEM file of the CA that signed an https trace_endpoint's certificate; empty: the "
                           "system's CAs. The certificate is always verified."),
  };
  return options;
}

}  // namespace sluice

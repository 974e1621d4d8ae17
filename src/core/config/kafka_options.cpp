#include "core/config/kafka_options.h"

namespace sluice {

const std::vector<OptionSpec>& kafka_connection_options() {
  static const std::vector<OptionSpec> options = {
      OptionSpec::optional("brokers", OptionType::kString, "",
                           "Bootstrap brokers, `host:port[,host:port...]`; empty: the brokers of "
                           "the pipeline's Kafka log (log: type kafka), with its properties."),
      OptionSpec::optional(
          "properties", OptionType::kStringMap, "",
          "librdkafka properties for this component's client (security.protocol, "
          "sasl.*, ssl.*, ...), after the log's when it shares the log's brokers."),
  };
  return options;
}

Result<KafkaConnection> kafka_connection(const ComponentConfig& component,
                                         const PipelineConfig& pipeline) {
  const OptionValues& o = component.options;
  const OptionValues& log = pipeline.log;
  KafkaConnection c;
  c.brokers = o.has("brokers") ? o.get_string("brokers") : "";
  if (c.brokers.empty()) {
    const bool kafka_log = log.has("type") && log.get_string("type") == "kafka";
    if (!kafka_log || !log.has("brokers") || log.get_string("brokers").empty()) {
      return Status::invalid(std::string(component_kind_name(component.kind)) + " \"" +
                             component.name +
                             "\": brokers: which Kafka cluster? Give brokers: host:port, or run "
                             "the pipeline on a Kafka log (log: type kafka)");
    }
    c.brokers = log.get_string("brokers");
    if (log.has("properties")) c.properties = log.get_string_map("properties");
  }
  if (o.has("properties")) {
    for (const auto& p : o.get_string_map("properties")) c.properties.push_back(p);
  }
  return c;
}

}  // namespace sluice

// Options every Kafka component shares (the kafka source and sink): which
// cluster, and the librdkafka properties to reach it.
//
// A component without brokers of its own talks to the cluster of the pipeline's
// Kafka log, with the log's properties first and its own after them, so security
// settings are written once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/config/options.h"
#include "core/config/pipeline_config.h"
#include "core/status.h"

namespace sluice {

const std::vector<OptionSpec>& kafka_connection_options();

struct KafkaConnection {
  std::string brokers;
  std::vector<std::pair<std::string, std::string>> properties;
};

// The component's cluster; an error naming the component when it has none.
Result<KafkaConnection> kafka_connection(const ComponentConfig& component,
                                         const PipelineConfig& pipeline);

}  // namespace sluice

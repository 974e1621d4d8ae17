// Log setup: from a pipeline file to an open Log and the topic of each source.
//
// The only place that knows which Log implementation a pipeline uses; everything
// else talks to log::Log.
#pragma once

#include <memory>
#include <string>

#include "core/config/pipeline_config.h"
#include "core/status.h"
#include "log/encryption.h"
#include "log/log.h"
#include "runtime/checkpoint_store.h"

namespace sluice::runtime {

// Opens the log the pipeline's `log:` section describes: the embedded log under
// data_dir/log, or Kafka with `type: kafka`.
Result<std::unique_ptr<log::Log>> open_log(const PipelineConfig& config);
bool uses_kafka_log(const PipelineConfig& config);

// The keys of the `log:` section (key_file, key_env), creating the key file first
// when create_key asks for it: what encrypts log batches and checkpoints.
Result<log::KeyRing> load_log_keys(const PipelineConfig& config);
// The same keys without creating anything: for the commands that only read.
Result<log::KeyRing> read_log_keys(const PipelineConfig& config);

// The id of the key that seals sluice's own state — checkpoints, the lineage ledger,
// the audit log (log: state_encryption_key); empty: not sealed.
std::string state_key_id(const PipelineConfig& config);

// Where the checkpoints of a pipeline's stateful transforms live: a file under data_dir
// beside the embedded log; on a Kafka log, its topic "<group>.checkpoints" (ensured
// here), so whichever instance of the pipeline becomes active restores them. Sets
// *shared when other instances may share the log (and take over the state).
Result<std::unique_ptr<CheckpointStore>> open_checkpoint_store(const PipelineConfig& config,
                                                               log::Log& log,
                                                               const std::string& group,
                                                               bool* shared);

// The type of the internal components that write and read a repartition topic
// (repartition_plan.h).
inline constexpr const char* kRepartitionType = "repartition";

// The topic a source appends to, from its topic options.
log::TopicConfig topic_config_for(const ComponentConfig& source);

}  // namespace sluice::runtime

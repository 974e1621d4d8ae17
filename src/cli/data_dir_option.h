// The data directory a command works on: the pipeline file's data_dir (-c FILE),
// or --data-dir. Shared by the commands that read what a pipeline keeps there
// (lineage, audit, detokenize's audit entry).
#pragma once

#include <string>

#include "core/status.h"
#include "log/encryption.h"

namespace sluice::cli {

// `config` empty: `data_dir` as given. Otherwise the file's data_dir; an invalid
// file is kInvalidArgument with its problems, formatted as `sluice validate` does.
Result<std::string> pipeline_data_dir(const std::string& config, const std::string& data_dir);

// What opens and seals the ledgers of a data directory: with -c the pipeline's keys
// (its log: section) and its state_encryption_key; without, the keys in
// $SLUICE_LOG_KEYS and no sealing.
struct PipelineState {
  std::string data_dir;
  log::KeyRing keys;
  std::string seal_key_id;
};
Result<PipelineState> pipeline_state(const std::string& config, const std::string& data_dir);

}  // namespace sluice::cli

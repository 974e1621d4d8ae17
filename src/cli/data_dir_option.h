// The data directory a command works on: the pipeline file's data_dir (-c FILE),
// or --data-dir. Shared by the commands that read what a pipeline keeps there
// (lineage, audit, detokenize's audit entry).
#pragma once

#include <string>

#include "core/status.h"

namespace sluice::cli {

// `config` empty: `data_dir` as given. Otherwise the file's data_dir; an invalid
// file is kInvalidArgument with its problems, formatted as `sluice validate` does.
Result<std::string> pipeline_data_dir(const std::string& config, const std::string& data_dir);

}  // namespace sluice::cli

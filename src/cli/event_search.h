// Finding an event in a pipeline's log by its id, for `sluice lineage trace
// --event-id`: every record of every source topic whose id field holds the id.
//
// The log keeps what was ingested (until retention removes it), so this is where an
// event id leads back to its source offsets; the lineage ledger then says which
// commits, and so which outputs, covered those offsets. A linear scan: it reads the
// whole log, decrypting with the pipeline's keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/field_path.h"
#include "core/status.h"
#include "log/encryption.h"

namespace sluice::cli {

struct EventLocation {
  std::string source;
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_us = 0;
};

struct EventSearch {
  std::vector<EventLocation> found;
  int64_t records_read = 0;
  std::vector<std::string>
      topics_start;  // "topic/partition starts at offset N" where retention removed records
};

// The records whose `id_field` equals `id` (a string as it is; a number as JSON
// writes it). Opens the log read-only, so it runs beside the pipeline.
// `keys` decrypt encrypted topics.
Result<EventSearch> find_event(const PipelineConfig& config, const log::KeyRing& keys,
                               const FieldPath& id_field, const std::string& id);

}  // namespace sluice::cli

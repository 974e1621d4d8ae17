// file sink: events as NDJSON files in a directory, rotated by size.
//
// Files are named <prefix>-<sequence>.ndjson with a six-digit sequence that
// continues after the highest one already in the directory, so a restart never
// appends to a file a previous run may have left torn. A file is closed (and
// fsynced when `fsync: true`) when it reaches max_file_size and at shutdown.
// Delivery is at-least-once: a batch retried after a failed write may repeat lines.
#pragma once

#include "sink/sink.h"

namespace sluice::sink {

SinkType file_sink_type();

}  // namespace sluice::sink

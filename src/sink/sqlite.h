// sqlite sink: a table of an embedded SQLite database — the single-machine hot
// store (window results for monitoring) and warehouse (cleaned events for SQL).
//
// WAL mode, so `sluice query` and other readers run beside the writer; one
// transaction per batch. The table is created and gains columns as fields appear
// (sqlite/table.h); nested objects are flattened into dotted columns or kept as
// JSON. `mode: upsert` replaces the row with the same `key_columns`, which makes
// re-emitted window results idempotent. `retention` deletes rows older than a
// bound by their time column.
//
// Exactly once for events from the log: the offsets a batch reached are stored in
// the same transaction as its rows (table `_sluice_offsets`), and a replay skips
// the events at offsets the table already holds.
#pragma once

#include "sink/sink.h"

namespace sluice::sink {

SinkType sqlite_sink_type();

}  // namespace sluice::sink

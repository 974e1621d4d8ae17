// parquet sink: the data lake — events as Parquet files in Hive-style partition
// directories, exactly once.
//
// Schema: declared (`schema:` column → type) and/or inferred from the events. A
// new field becomes a new column (in the open file while its first row group is
// still in memory, else in the next file); a type conflict widens the column
// (int64 → double, anything → string), recorded in the file's metadata
// (`sluice.promotions`) and counted. Nested objects are flattened into dotted
// columns or kept as JSON text (`nested:`). Each file has a column with the
// event time (`time_column`, a UTC timestamp).
//
// Files close by size (`max_file_size`) and by age (`max_file_age`, so data
// reaches the lake in bounded time), each holding events of one log partition
// and one partition directory; they are written under a hidden temporary name,
// fsynced and renamed (lake/storage.h), so readers never see half a file.
//
// Exactly once: a file is named after the log offsets it holds
// (lake/file_names.h) and the sink reports its batches durable only once every
// file holding their events is committed. After a crash the pipeline replays
// from the last commit; per directory, the sink reads the names of the files
// already there and skips every replayed event at or below the highest offset
// they hold for its partition — its events are in the lake, all of them (files
// of one directory and partition close in offset order, at offset boundaries).
// Window results (no log offset) are at-least-once: a replay may write them again.
//
// Values that do not fit a declared column are rejected with the reason into
// `_rejected/` (lake/rejected_events.h) and counted as dead-lettered.
#pragma once

#include "sink/sink.h"

namespace sluice::sink {

SinkType parquet_sink_type();

}  // namespace sluice::sink

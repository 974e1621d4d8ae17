// HotTier: the latest rows of the pipeline's hot tables — the sqlite sinks that
// keep recent results for monitoring (`mode: upsert` or a `retention`) — as JSON
// for the dashboard (GET /api/v1/hot).
//
// Each request opens the databases read-only: in WAL mode a reader never blocks
// the sink that writes them, and a table the sink has not created yet is reported
// as empty, not as an error.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"

namespace sluice::observe {

struct HotTable {
  std::string sink;
  std::string path;         // the database file
  std::string table;
  std::string time_column;  // newest first by it; "" for insertion order
};

// The hot tables of a pipeline, in file order.
std::vector<HotTable> hot_tables(const PipelineConfig& config);

// {"tables":[{"sink","table","time_column","columns":[…],"rows":[[…],…],"error"?}]}:
// up to `limit` newest rows of each table.
std::string render_hot_tier(const std::vector<HotTable>& tables, size_t limit);

}  // namespace sluice::observe

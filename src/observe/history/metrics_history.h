// MetricsHistory: sluice's own key metrics, kept as history in an SQLite database
// (data_dir/metrics_history.db) for capacity reports.
//
// Each record() writes what happened since the previous record — one row per
// component in `component_metrics`, one row for the whole pipeline and process in
// `pipeline_metrics` — so rows can be summed over any span, across restarts
// (counters restart at zero with the process; the first record after a start
// counts from the start). Rows older than the retention are deleted as records
// are written. Any SQLite reader (`sluice query`) may read the file while it is
// written (WAL mode).
//
// Not thread-safe: one recorder thread owns it (history_recorder.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "observe/histogram.h"
#include "observe/pipeline_status.h"
#include "observe/process_stats.h"
#include "sink/sqlite/database.h"

namespace sluice::observe {

class MetricsHistory {
 public:
  static constexpr const char* kFileName = "metrics_history.db";

  // Opens (creating the file, its directory and its tables when missing) the
  // history at `path`; rows older than `retention_us` are deleted (0: kept).
  static Result<std::unique_ptr<MetricsHistory>> open(const std::string& path, int64_t retention_us);

  // Writes one record of everything that happened since the previous one (or,
  // the first time, since `status.started_at_us`). One transaction: a failed
  // record leaves no partial rows, and the next one covers its span too.
  Status record(const PipelineStatus& status, const ProcessStats& process, int64_t now_us);

  const std::string& path() const { return db_->path(); }

 private:
  struct Previous {
    StatsSnapshot counters;
    Histogram::Snapshot batch;
  };

  MetricsHistory() = default;
  Status create_tables();
  Status write(const PipelineStatus& status, const ProcessStats& process, int64_t now_us,
               std::map<std::string, Previous>& next);

  std::unique_ptr<sink::sqlite::Database> db_;
  int64_t retention_us_ = 0;
  sink::sqlite::Statement insert_component_;
  sink::sqlite::Statement insert_pipeline_;
  sink::sqlite::Statement expire_components_;
  sink::sqlite::Statement expire_pipeline_;

  bool have_previous_ = false;
  int64_t previous_us_ = 0;
  double previous_cpu_seconds_ = 0;
  std::map<std::string, Previous> previous_;  // by component name
  std::map<std::string, Histogram::Snapshot> previous_delivery_;  // by topic
};

}  // namespace sluice::observe

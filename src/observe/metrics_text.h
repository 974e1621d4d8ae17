// The /metrics page: a pipeline's status, its process and its admin server's
// requests in the Prometheus text format. Metric names and labels are documented
// in docs/observability.md; every family is always present (zero when nothing
// happened yet) so alerts and dashboards never see a series appear from nowhere.
//
// Cardinality is bounded by the pipeline file: labels are component names, topic
// names, partitions (at most 1024 per topic) and at most PipelineStatus::kMaxGroups
// consumer groups; never anything taken from event data or requests.
#pragma once

#include <string>
#include <string_view>

#include "observe/pipeline_status.h"
#include "observe/process_stats.h"
#include "observe/request_stats.h"

namespace sluice::observe {

std::string render_metrics(const PipelineStatus& status, const ProcessStats& process, const RequestStats& admin,
                           std::string_view version, int64_t now_us);

}  // namespace sluice::observe

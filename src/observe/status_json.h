// The admin API's JSON documents, rendered from a PipelineStatus.
//
//   /health             the process is alive: {"status":"ok", "phase", "uptime_seconds", "version"}
//   /ready              can it take and deliver data: the log answers, every sink
//                       writes; {"ready":bool, "checks":{...}} — the server answers
//                       503 when not ready
//   /api/v1/components  per component its counters, rates are left to the reader;
//                       latency percentiles, queue, health; the graph as edges;
//                       log partitions and consumer backlog
//
// The field names are documented in docs/observability.md.
#pragma once

#include <string>
#include <string_view>

#include "observe/pipeline_status.h"

namespace sluice::observe {

std::string render_health(const PipelineStatus& status, std::string_view version, int64_t now_us);

struct Readiness {
  bool ready = false;
  std::string json;
};
Readiness render_ready(const PipelineStatus& status);

std::string render_components(const PipelineStatus& status, int64_t now_us);

}  // namespace sluice::observe

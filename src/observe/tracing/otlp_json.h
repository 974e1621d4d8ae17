// OTLP/HTTP JSON encoding of spans (an ExportTraceServiceRequest), as an
// OpenTelemetry collector's /v1/traces accepts it: ids as lower-case hex, 64-bit
// integers (times, integer attributes) as decimal strings, enums as numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "observe/tracing/span.h"

namespace sluice::observe {

struct TraceResource {
  std::string service_name = "sluice";
  std::string service_version;
  std::string pipeline;  // the pipeline file, as the attribute sluice.pipeline
};

std::string encode_otlp_json(const TraceResource& resource, const std::vector<Span>& spans);

}  // namespace sluice::observe

// anomaly transform: watches a number per series and emits an event for every
// point that breaks the series' pattern.
//
//   latency_anomalies:
//     type: anomaly
//     inputs: [service_health]       # e.g. per-service, per-minute window results
//     value: .p99_latency_ms
//     series: [service]
//     method: ewma_zscore            # ewma_zscore | mad | seasonal (detectors.h)
//     threshold: 5
//     direction: up
//
// Each series has its own model, created when the series first appears and
// bounded by max_series. A point is scored before the model learns from it; one
// whose score passes the threshold (by `direction`) becomes an event on the main
// output:
//   {ts, metric, series: "service=auth", service: "auth", value, expected, score,
//    method, severity: "warning" | "critical"}   (critical from twice the threshold)
// Input events are not passed on. The models are checkpointed with the offsets they
// reflect; every series' latest point is shown by the console summary, and each
// anomaly is logged. A value that is not a number goes to <name>.dead_letter.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType anomaly_transform_type();

}  // namespace sluice::transform

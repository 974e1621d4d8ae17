// window transform: event-time windows keyed by fields, with aggregates.
//
//   per_minute:
//     type: window
//     inputs: [clean]
//     window: tumbling          # tumbling | hopping | session
//     size: 1m                  # hopping also: slide: 10s; session: gap: 30s
//     key_fields: [service]
//     allowed_lateness: 5s
//     aggregates:
//       requests: count()
//       p99_latency_ms: p99(.latency_ms)
//
// Tumbling and hopping windows are aligned to the Unix epoch and built from panes
// of gcd(size, slide): an event updates one pane, and a window is the merge of its
// panes when it is emitted, so a hopping window costs one update per event, not
// size/slide. Sessions are per key, [first event, last event + gap), merged when an
// event bridges two.
//
// A window is emitted when the watermark (watermark.h) reaches its end, as one event
// {window_start, window_end, <key fields>, <aggregates>, window_emit: "final"} with
// event time window_end − 1 µs. An event whose every window has already been emitted
// goes to <name>.late and is counted. With early_updates, open windows are also
// emitted every interval with window_emit: "update". State is bounded by
// max_open_windows (panes or sessions over all keys); past it the oldest windows are
// emitted at once with window_emit: "evicted" and counted, never an out-of-memory death.
// State is checkpointed by the runtime (save_state / load_state).
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType window_transform_type();

}  // namespace sluice::transform

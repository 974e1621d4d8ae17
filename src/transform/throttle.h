// throttle transform: at most `limit` events per key in each window of event time.
//
//   per_user:
//     type: throttle
//     inputs: [ingest]
//     key_fields: [user_id]
//     limit: 100
//     window: 1m
//
// Windows are aligned to the epoch; the first `limit` events of a key in a window
// pass and the rest are dropped (counted as in − out). Counts are kept for the
// newest window and the one before it, for events that arrive a little late;
// events for older windows pass uncounted. Event time, not arrival time, makes the
// result the same on every replay; the counts are checkpointed with the offsets.
// State is bounded by `max_keys` per window.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType throttle_transform_type();

}  // namespace sluice::transform

// dedup transform: drops repeats of an event within a window of event time.
//
//   once:
//     type: dedup
//     inputs: [ingest]
//     key_fields: [event_id]    # none: the whole event is the key
//     window: 10m
//
// The first event of a key passes; another with the same key less than `window`
// of event time from it is dropped (counted as in − out). Keys are remembered as
// 128-bit hashes for `window` behind the newest event time, and `max_keys` bounds
// them (the oldest are forgotten first, so a repeat after that passes). The state
// is checkpointed with the offsets it reflects: after a crash, a replay neither
// lets a repeat through nor drops a first sighting.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType dedup_transform_type();

}  // namespace sluice::transform

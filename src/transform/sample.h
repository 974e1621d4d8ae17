// sample transform: keeps a fixed fraction of events, deterministically.
//
//   traces:
//     type: sample
//     inputs: [clean]
//     rate: 0.05                # keep 5%
//     key_fields: [trace_id]    # all events of a kept trace are kept
//
// An event is kept when a hash of its key fields (or, without key fields, of the
// whole event) falls below the rate, so the same input keeps the same events on
// every run and after every replay, and related events (one trace id, one user)
// are kept or dropped together. Dropped events are counted as in − out.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType sample_transform_type();

}  // namespace sluice::transform

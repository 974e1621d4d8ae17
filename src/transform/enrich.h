// enrich transform: adds fields from a lookup table keyed by an event field.
//
//   with_owner:
//     type: enrich
//     inputs: [clean]
//     table: examples/services.csv   # CSV with a header row, or .json / .ndjson
//     key: .service                  # matched against the column of the same name
//     fields: [team, tier]
//     on_missing: keep               # keep | drop | dead_letter
//
// The table is loaded when the pipeline starts (a missing or malformed table stops
// the start with a clear error) and loaded again when its file changes, checked
// every reload_interval; a new version that does not load is logged and the old
// table stays. CSV cells are strings; JSON keeps its types. Keys are matched as
// text: a string as it is, anything else as its JSON (7 matches "7").
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType enrich_transform_type();

}  // namespace sluice::transform

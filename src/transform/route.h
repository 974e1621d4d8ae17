// route transform: sends each event to the named outputs whose condition it meets.
//
//   by_severity:
//     type: route
//     inputs: [clean]
//     routes:
//       errors: .status >= 500
//       slow: .latency_ms > 1000
//
// Outputs are `<name>.<route>` for each route and `<name>._unmatched` for events
// that meet none; the default output `<name>` gets nothing. An event that meets
// several conditions goes to each of them (with `first_match: true`, only to the
// first in the order written). A condition that cannot be evaluated sends the
// event to `<name>.dead_letter` with the reason, and to no route.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType route_transform_type();

}  // namespace sluice::transform

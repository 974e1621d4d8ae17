// parse transform: turns a string field into fields — JSON, logfmt, or a regular
// expression with named groups.
//
//   access_log:
//     type: parse
//     inputs: [raw]
//     field: .message
//     format: regex              # json | logfmt | regex
//     pattern: '^(?P<ip>\S+) \S+ \S+ \[[^]]+\] "(?P<method>[A-Z]+) (?P<path>\S+)'
//     drop_field: true
//
// Parsed fields are merged into the event (replacing fields of the same name) or
// put at `target`. logfmt values and regex groups are strings (convert them with a
// remap); JSON keeps its types. An event whose field is missing, not a string, or
// does not parse goes to <name>.dead_letter with the reason.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType parse_transform_type();

}  // namespace sluice::transform

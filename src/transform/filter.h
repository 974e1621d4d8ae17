// filter transform: keeps the events for which a condition is true.
//
// An event whose condition cannot be evaluated (a type error, a failed conversion)
// goes to <name>.dead_letter with the reason; events for which it is false are
// dropped on purpose and counted as the difference between events in and out.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType filter_transform_type();

}  // namespace sluice::transform

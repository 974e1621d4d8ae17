// remap transform: renames, computes and deletes fields.
//
// Applied in this order to each event: `rename` (old path → new path), `set`
// (path → expression, in the order written; each expression sees the fields set
// before it), `delete` (paths). If any step fails, the original event — as it
// arrived, untouched — goes to <name>.dead_letter with the step and the reason.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType remap_transform_type();

}  // namespace sluice::transform

// generator source: synthetic microservice traffic (see traffic_model.h), paced to a
// rate or as fast as possible, bounded by a count or a duration or neither.
#pragma once

#include "source/source.h"

namespace sluice::source {

SourceType generator_source_type();

}  // namespace sluice::source

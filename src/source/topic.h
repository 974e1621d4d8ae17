// topic source: reads a log topic that something else filled — `sluice replay`
// backfilling it from the lake, or another pipeline — and appends nothing.
//
// With `follow: false` (the default) the source is bounded: the pipeline reads the
// topic from the group's committed offsets to its current end and stops, as a
// batch job over history does. With `follow: true` it runs until stopped and
// reads records as they are appended.
#pragma once

#include "source/source.h"

namespace sluice::source {

SourceType topic_source_type();

}  // namespace sluice::source

// blackhole sink: counts events and discards them; for benchmarks and dry runs.
#pragma once

#include "sink/sink.h"

namespace sluice::sink {

SinkType blackhole_sink_type();

}  // namespace sluice::sink

// console sink: events as NDJSON on standard output (or standard error).
#pragma once

#include "sink/sink.h"

namespace sluice::sink {

SinkType console_sink_type();

}  // namespace sluice::sink

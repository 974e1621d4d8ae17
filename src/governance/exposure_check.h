// The least-exposure check: before any data moves, follow every classified field
// from its source's schema through the transform graph to each sink, and reject a
// pipeline in which a field reaches a sink whose `accepts:` does not clear its class.
//
// Classes come from the schemas (`schemas:`); a field no schema names takes its
// schema's `default:` class (public when unset). Along the way each transform type
// says what it does to fields (ComponentSpec::field_flow): a remap's rename moves a
// class, its set gives the new field the highest class among the fields its
// expression reads, delete removes it; govern's field rules lower a field to
// internal (tokenize, encrypt, mask, hash) or remove it (drop); a window's result
// holds its key fields and aggregates — statistics (count, sum, avg, distinct, …)
// carry no class, aggregates that return one of the values (min, max, first, last,
// percentiles) carry its class. Dead letters carry what came in.
//
// A sink is cleared up to the highest class it lists; a sink without `accepts:` is
// not checked here. What the schemas do not declare is the run-time guard's
// (exposure_guard.h): it dead-letters events whose values the detectors recognise
// as above the sink's clearance.
#pragma once

#include "core/config/pipeline_config.h"
#include "core/diagnostics.h"

namespace sluice::governance {

// Reports unknown class names and schemas always; follows fields only when `graph_ok`.
void check_exposure(const PipelineConfig& config, Diagnostics& diagnostics, bool graph_ok);

}  // namespace sluice::governance

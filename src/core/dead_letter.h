// The shape of a dead letter, the same wherever an event is refused (a transform's
// <name>.dead_letter, a sink's <name>.rejected):
//   {"component": ..., "reason": ..., "event": {...the event as it arrived...}}
#pragma once

#include <string_view>

#include "core/arena.h"
#include "core/batch.h"

namespace sluice {

Event dead_letter_event(Arena& arena, std::string_view component, std::string_view reason,
                        const Event& original);

}  // namespace sluice

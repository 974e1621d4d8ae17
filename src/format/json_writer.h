// JsonWriter: events and values to JSON text, fast.
//
// Appends to a caller-owned std::string so one buffer is reused for a whole batch
// and the hot path does not allocate per event. Output is compact (no spaces),
// keeps field order, and round-trips through JsonReader to the same Value:
//   - int64 as digits; doubles in the shortest form that reads back exactly, with a
//     ".0" when they would otherwise look like an integer; NaN and ±Inf (not
//     representable in JSON) as null;
//   - big integers with their original digits;
//   - timestamps as RFC 3339 strings in UTC with microseconds;
//   - strings with `"`, `\` and control characters escaped, UTF-8 passed through.
#pragma once

#include <string>
#include <string_view>

#include "core/batch.h"
#include "core/json_string.h"
#include "core/value.h"

namespace sluice::format {

void append_json(const Value& value, std::string& out);
using sluice::append_json_string;

// One event as a JSON object followed by '\n' (an NDJSON line).
void append_ndjson_line(const Event& event, std::string& out);

std::string to_json(const Value& value);

}  // namespace sluice::format

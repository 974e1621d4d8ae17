// How event values go into typed lake columns.
//
// Inferred columns take the type of the first value seen (natural_type) and widen
// when another type arrives (promoted_type in column_type.h). Declared columns
// never change: a value converts only when nothing is lost (an int into a double
// column, an RFC 3339 string into a timestamp column, anything into a string
// column as its JSON text); otherwise the event is rejected with the reason.
#pragma once

#include <string>

#include "core/value.h"
#include "format/parquet/column_buffer.h"

namespace sluice::sink::lake {

// The column type a value calls for; objects and arrays are stored as JSON text.
format::parquet::ColumnType natural_type(const Value& v);

// Appends `v` to `column` (of type `type`), converting as described above.
// False when `v` does not fit; *reason then says why.
bool append_value(format::parquet::ColumnBuffer& column, const Value& v, std::string* reason);

// What JSON would show for `v`, without quotes around strings and timestamps.
void append_value_text(const Value& v, std::string* out);

}  // namespace sluice::sink::lake

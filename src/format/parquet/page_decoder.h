// Decodes the pages of one column chunk into a ColumnBuffer (see file_reader.h
// for what is supported). Every length and count read from the file is checked
// against the bytes actually there before it is used.
#pragma once

#include <string_view>

#include "core/status.h"
#include "format/parquet/column_buffer.h"
#include "format/parquet/file_reader.h"

namespace sluice::format::parquet {

// `chunk`: the chunk's bytes, from its first page (dictionary or data) to its
// end; `num_values`: the row count the metadata promises.
Result<ColumnBuffer> decode_column_chunk(const ColumnInfo& column, Codec codec, int64_t num_values,
                                         std::string_view chunk);

}  // namespace sluice::format::parquet

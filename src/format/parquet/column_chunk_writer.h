// Encodes one ColumnBuffer as a Parquet column chunk: an optional dictionary page,
// then data pages (v1) of about `page_bytes` each, each page compressed on its
// own and checksummed (CRC-32 of the stored body, in the page header).
//
// Data page v1 body:  u32 LE length | definition levels (RLE hybrid, bit width 1)
//                     | values: PLAIN, or for RLE_DICTIONARY one byte of bit width
//                       followed by the indices (RLE hybrid)
// Every column is OPTIONAL (max definition level 1, no repetition levels).
#pragma once

#include <cstdint>
#include <string>

#include "format/compression.h"
#include "format/parquet/column_buffer.h"
#include "format/parquet/metadata.h"

namespace sluice::format::parquet {

struct ChunkOptions {
  Compression compression = Compression::kSnappy;
  int compression_level = 0;
  size_t page_bytes = 1 << 20;
  size_t page_rows = 20'000;
  size_t statistics_max_bytes = 64;  // longer string min/max are truncated (still valid bounds)
};

// Appends the chunk's pages to *out, whose first byte lands at `file_offset` in
// the file; returns the chunk's metadata.
Result<ColumnChunk> write_column_chunk(const ColumnBuffer& column, const std::string& name,
                                       const ChunkOptions& options, int64_t file_offset,
                                       std::string* out);

Codec parquet_codec(Compression c);
PhysicalType physical_type(ColumnType t);

}  // namespace sluice::format::parquet

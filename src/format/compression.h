// Block compression codecs shared by the log's record batches and Parquet pages:
// zstd (best ratio per CPU), lz4 (fastest; raw block format), snappy (what most
// Parquet readers expect by default) and gzip (read by everything).
//
// Thread-safe: zstd contexts are kept per thread and reused.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice::format {

enum class Compression { kNone, kZstd, kLz4, kSnappy, kGzip };

const char* compression_name(Compression c);

// Appends the compressed form of `raw` to *out (kNone copies). `level` is the
// codec's own level (zstd 1..19, gzip 1..9); 0 picks its default.
Status compress(Compression c, std::string_view raw, std::string* out, int level = 0);

// Decompresses `stored` into *out (replacing it), which must come out exactly
// `raw_size` bytes; anything else is corruption.
Status decompress(Compression c, std::string_view stored, size_t raw_size, std::string* out);

}  // namespace sluice::format

// Batch payload compression: zstd (best ratio per CPU) and lz4 (fastest).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "log/log.h"

namespace sluice::log {

// Appends the compressed form of `raw` to *out (kNone copies).
Status compress(Codec codec, std::string_view raw, std::string* out);

// Decompresses `stored` into *out, which must come out exactly `raw_size` bytes.
Status decompress(Codec codec, std::string_view stored, size_t raw_size, std::string* out);

}  // namespace sluice::log

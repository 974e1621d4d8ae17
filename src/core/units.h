// Duration and size literals as written in pipeline files: `500ms`, `1m`, `64MiB`.
//
// Durations: an integer or decimal followed by ns, us, ms, s, m, h or d; several
// may be chained (`1h30m`). Sizes: an integer or decimal followed by B, KB, MB,
// GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024); a bare integer
// is bytes. Errors say what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice {

Result<int64_t> parse_duration_us(std::string_view text);
Result<int64_t> parse_size_bytes(std::string_view text);

// The largest unit that is exact: "1500ms", "90s", "2h"; for messages and docs.
std::string format_duration_us(int64_t us);
std::string format_size_bytes(int64_t bytes);

}  // namespace sluice

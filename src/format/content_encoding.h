// Content-Encoding of request bodies: gzip (zlib) and zstd, decoded with a cap on
// the decoded size so a small compressed body cannot expand into gigabytes.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice::format {

// Decodes `body` sent with `encoding` ("", "identity", "gzip", "x-gzip", "zstd")
// into *out. Errors: kNotFound for an encoding sluice does not speak,
// kResourceExhausted when the decoded body would exceed `max_bytes`,
// kInvalidArgument when the bytes are not valid for the encoding.
Status decode_content(std::string_view encoding, std::string_view body, size_t max_bytes, std::string* out);

}  // namespace sluice::format

// CRC32C (Castagnoli): the checksum of every record batch in the log.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (detected once at run
// time) and a table otherwise; both give the same result. No Debian package
// offers CRC32C for C++, and neither zlib nor OpenSSL computes this polynomial.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::log {

// Extends `crc` (the result of an earlier call, or 0 to start) over `size` bytes.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }
inline uint32_t crc32c(std::string_view bytes) { return crc32c_extend(0, bytes.data(), bytes.size()); }

// The table-driven path, exposed so tests can check both paths agree.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t size);

}  // namespace sluice::log

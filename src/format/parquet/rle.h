// Parquet's RLE / bit-packing hybrid: the encoding of definition levels and of
// dictionary indices.
//
// A sequence of runs, each introduced by a varint header:
//   header = count << 1          RLE run: `count` copies of one value stored in
//                                ceil(bit_width / 8) bytes, little-endian
//   header = groups << 1 | 1     bit-packed run: groups × 8 values, each in
//                                `bit_width` bits, packed least significant bit first
// Only the last bit-packed run may be padded past the real values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sluice::format::parquet {

// Bits needed to store values 0..max_value (at least 1).
int bit_width_for(uint64_t max_value);

// Appends the hybrid encoding of `values` (each < 2^bit_width) to *out.
void rle_encode(std::span<const uint32_t> values, int bit_width, std::string* out);
void rle_encode(std::span<const uint8_t> values, int bit_width, std::string* out);  // levels

// Decodes exactly `count` values from `bytes`; an error when the runs end early,
// a value would not fit or the bit width is out of range. Trailing bytes are allowed.
Status rle_decode(std::string_view bytes, int bit_width, size_t count, std::vector<uint32_t>* out);

}  // namespace sluice::format::parquet

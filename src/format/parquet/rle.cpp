#include "format/parquet/rle.h"

#include <algorithm>
#include <cstring>

#include "core/varint.h"

namespace sluice::format::parquet {

int bit_width_for(uint64_t max_value) {
  int bits = 0;
  while (max_value > 0) {
    ++bits;
    max_value >>= 1;
  }
  return std::max(bits, 1);
}

namespace {

constexpr size_t kMinRepeat = 8;  // shorter repeats are cheaper bit-packed

// Length of the run of equal values starting at i, counted up to `limit`.
template <typename T>
size_t repeat_at(std::span<const T> v, size_t i, size_t limit) {
  size_t j = i + 1;
  while (j < v.size() && j - i < limit && v[j] == v[i]) ++j;
  return j - i;
}

void put_rle_run(uint32_t value, size_t count, int bit_width, std::string* out) {
  put_varint(static_cast<uint64_t>(count) << 1, out);
  const int bytes = (bit_width + 7) / 8;
  for (int b = 0; b < bytes; ++b) out->push_back(static_cast<char>((value >> (8 * b)) & 0xFF));
}

template <typename T>
void put_bit_packed(std::span<const T> v, size_t start, size_t groups, int bit_width,
                    std::string* out) {
  put_varint((static_cast<uint64_t>(groups) << 1) | 1, out);
  uint64_t acc = 0;
  int bits = 0;
  const size_t end = start + groups * 8;
  for (size_t i = start; i < end; ++i) {
    const uint64_t value = i < v.size() ? v[i] : 0;  // the last run is padded with zeros
    acc |= value << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(acc & 0xFF));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(acc & 0xFF));  // groups of 8 end on a byte anyway
}

template <typename T>
void encode(std::span<const T> values, int bit_width, std::string* out) {
  size_t i = 0;
  const size_t n = values.size();
  while (i < n) {
    size_t run = repeat_at(values, i, SIZE_MAX);
    if (run >= kMinRepeat) {
      put_rle_run(values[i], run, bit_width, out);
      i += run;
      continue;
    }
    // Bit-pack whole groups of 8 until a long repeat begins at a group boundary.
    const size_t start = i;
    size_t groups = 0;
    do {
      i += 8;
      ++groups;
    } while (i < n && repeat_at(values, i, kMinRepeat) < kMinRepeat);
    put_bit_packed(values, start, groups, bit_width, out);
  }
}

}  // namespace

void rle_encode(std::span<const uint32_t> values, int bit_width, std::string* out) {
  encode(values, bit_width, out);
}
void rle_encode(std::span<const uint8_t> values, int bit_width, std::string* out) {
  encode(values, bit_width, out);
}

Status rle_decode(std::string_view bytes, int bit_width, size_t count, std::vector<uint32_t>* out) {
  if (bit_width < 0 || bit_width > 32)
    return Status::corruption("RLE bit width " + std::to_string(bit_width));
  out->clear();
  // No reserve from `count` alone: it comes from the file and may be a lie.
  out->reserve(std::min(count, bytes.size() * 8));
  const char* p = bytes.data();
  const char* end = bytes.data() + bytes.size();
  const int value_bytes = (bit_width + 7) / 8;
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFull : ((1ull << bit_width) - 1);
  while (out->size() < count) {
    uint64_t header;
    if (!get_varint(p, end, &header)) {
      return Status::corruption("RLE data ends after " + std::to_string(out->size()) + " of " +
                                std::to_string(count) + " values");
    }
    if ((header & 1) == 0) {
      const uint64_t run = header >> 1;
      if (end - p < value_bytes) return Status::corruption("RLE run value truncated");
      uint32_t value = 0;
      for (int b = 0; b < value_bytes; ++b)
        value |= static_cast<uint32_t>(static_cast<uint8_t>(p[b])) << (8 * b);
      p += value_bytes;
      if (run == 0) return Status::corruption("empty RLE run");
      if ((value & ~mask) != 0) return Status::corruption("RLE value wider than its bit width");
      const size_t take = static_cast<size_t>(std::min<uint64_t>(run, count - out->size()));
      out->insert(out->end(), take, value);
    } else {
      const uint64_t groups = header >> 1;
      if (groups == 0) return Status::corruption("empty bit-packed run");
      // groups × bit_width bytes, compared without the product (it could wrap).
      if (bit_width > 0 && groups > static_cast<uint64_t>(end - p) / static_cast<uint64_t>(bit_width)) {
        return Status::corruption("bit-packed run truncated");
      }
      const uint64_t run_bytes = groups * static_cast<uint64_t>(bit_width);
      const uint64_t values = groups * 8;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(values, count - out->size()));
      uint64_t acc = 0;
      int bits = 0;
      const char* q = p;
      for (size_t i = 0; i < take; ++i) {
        while (bits < bit_width) {
          acc |= static_cast<uint64_t>(static_cast<uint8_t>(*q++)) << bits;
          bits += 8;
        }
        out->push_back(static_cast<uint32_t>(acc & mask));
        acc = bit_width == 64 ? 0 : acc >> bit_width;
        bits -= bit_width;
      }
      p += run_bytes;
    }
  }
  return Status::ok();
}

}  // namespace sluice::format::parquet

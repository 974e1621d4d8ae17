#include "format/parquet/rle.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::format::parquet {
namespace {

void put_varint_for_test(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

std::vector<uint32_t> round_trip(const std::vector<uint32_t>& values, int bit_width) {
  std::string bytes;
  rle_encode(values, bit_width, &bytes);
  std::vector<uint32_t> decoded;
  EXPECT_TRUE(rle_decode(bytes, bit_width, values.size(), &decoded).is_ok());
  return decoded;
}

TEST(Rle, BitWidthCoversTheLargestValue) {
  EXPECT_EQ(bit_width_for(0), 1);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(2), 2);
  EXPECT_EQ(bit_width_for(255), 8);
  EXPECT_EQ(bit_width_for(256), 9);
}

TEST(Rle, LongRepeatsBecomeOneRunOfFewBytes) {
  std::vector<uint32_t> ones(100000, 1);
  std::string bytes;
  rle_encode(ones, 1, &bytes);
  EXPECT_LE(bytes.size(), 5u);  // a varint header and one value byte
  EXPECT_EQ(round_trip(ones, 1), ones);
}

TEST(Rle, MixedRunsAndLiteralsRoundTripAtEveryWidth) {
  std::mt19937 rng(7);
  for (int width : {1, 2, 3, 5, 8, 13, 17, 24, 32}) {
    const uint64_t limit = width == 32 ? UINT32_MAX : (1ull << width) - 1;
    std::vector<uint32_t> values;
    while (values.size() < 5000) {
      const auto v = static_cast<uint32_t>(rng() % (limit + 1));
      const size_t repeat = rng() % 3 == 0 ? rng() % 40 : 1;
      values.insert(values.end(), repeat, v);
    }
    values.resize(4999);  // not a multiple of 8: the last run is padded
    EXPECT_EQ(round_trip(values, width), values) << "width " << width;
  }
}

TEST(Rle, KnownEncodingOfTheSpecExample) {
  // 0..7 at width 3 is one bit-packed group: header 0x03, then 0x88 0xC6 0xFA.
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string bytes;
  rle_encode(values, 3, &bytes);
  EXPECT_EQ(bytes, std::string("\x03\x88\xC6\xFA", 4));
}

TEST(Rle, TruncatedOrWrongInputIsAnErrorNotACrash) {
  std::vector<uint32_t> values(1000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i % 5);
  std::string bytes;
  rle_encode(values, 3, &bytes);
  std::vector<uint32_t> out;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(rle_decode(std::string_view(bytes).substr(0, cut), 3, values.size(), &out).is_ok())
        << cut;
  }
  EXPECT_FALSE(rle_decode(bytes, 40, values.size(), &out).is_ok());
  // A bit-packed run whose byte count wraps around 64 bits (2^59 groups × 32 bits).
  std::string wrap;
  put_varint_for_test((uint64_t{1} << 60) | 1, &wrap);
  wrap += std::string(16, '\x7f');
  EXPECT_FALSE(rle_decode(wrap, 32, 1000, &out).is_ok());
  // An RLE run whose value does not fit the width.
  EXPECT_FALSE(rle_decode(std::string("\x10\x09", 2), 3, 8, &out).is_ok());
}

TEST(Rle, LevelsEncodeLikeIndices) {
  std::vector<uint8_t> levels = {1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
  std::vector<uint32_t> wide(levels.begin(), levels.end());
  std::string a, b;
  rle_encode(levels, 1, &a);
  rle_encode(wide, 1, &b);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace sluice::format::parquet

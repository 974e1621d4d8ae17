#include "log/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sluice::log {
namespace {

TEST(Crc32c, MatchesTheStandardCheckValue) {
  // The check value of CRC-32C (iSCSI, RFC 3720) over "123456789".
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c_extend_portable(0, "123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(Crc32c, HardwareAndTablePathsAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string data(4096 + 16, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len : {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4096}) {
      EXPECT_EQ(crc32c_extend(0, data.data() + start, len), crc32c_extend_portable(0, data.data() + start, len))
          << start << " " << len;
    }
  }
}

TEST(Crc32c, ExtendingInPiecesEqualsOneCall) {
  const std::string text = "sluice keeps every acknowledged event";
  uint32_t crc = 0;
  for (size_t i = 0; i < text.size(); i += 5) crc = crc32c_extend(crc, text.data() + i, std::min<size_t>(5, text.size() - i));
  EXPECT_EQ(crc, crc32c(text));
}

TEST(Crc32c, DetectsASingleFlippedBit) {
  std::string text(1000, 'x');
  const uint32_t before = crc32c(text);
  text[500] ^= 0x10;
  EXPECT_NE(crc32c(text), before);
}

}  // namespace
}  // namespace sluice::log

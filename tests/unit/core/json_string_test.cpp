#include "core/json_string.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace sluice {
namespace {

// The escaping JSON asks for, one byte at a time: what the writer's fast paths
// (a 16-byte scan, one copy of a plain run) must agree with.
std::string escaped_byte_by_byte(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string written(std::string_view text) {
  std::string out = "prefix:";  // appends, never overwrites
  append_json_string(text, out);
  return out;
}

TEST(JsonString, EveryByteThatNeedsEscapingIsEscapedAtEveryPosition) {
  // Each special byte at each position of strings of 0 to 40 bytes, so it falls before,
  // inside and after a 16-byte block, and more than one of them in one string.
  const std::string specials = std::string("\"\\\n\r\t\b\f\x01\x1f", 9) + std::string(1, '\0');
  for (size_t length = 0; length <= 40; ++length) {
    const std::string plain(length, 'a');
    EXPECT_EQ(written(plain), "prefix:" + escaped_byte_by_byte(plain));
    for (size_t at = 0; at < length; ++at) {
      for (char special : specials) {
        std::string text = plain;
        text[at] = special;
        text[length - 1 - (at % 3 == 0 ? 0 : at)] = special;
        ASSERT_EQ(written(text), "prefix:" + escaped_byte_by_byte(text))
            << "length " << length << ", byte " << int(special) << " at " << at;
      }
    }
  }
}

TEST(JsonString, AnEmptyViewWithNoDataIsAnEmptyString) {
  EXPECT_EQ(written(std::string_view{}), "prefix:\"\"");
}

TEST(JsonString, BytesThatNeedNoEscapingPassUnchanged) {
  // DEL, the bytes of multi-byte UTF-8 (≥ 0x80, which a signed compare would take for
  // control characters) and the printable range.
  std::string text = "\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ";
  for (int c = 0x20; c < 0x7f; ++c) {
    if (c != '"' && c != '\\') text += static_cast<char>(c);
  }
  EXPECT_EQ(written(text), "prefix:\"" + text + "\"");
}

}  // namespace
}  // namespace sluice

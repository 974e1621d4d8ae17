#include <gtest/gtest.h>

#include "format/json_reader.h"
#include "format/json_writer.h"

namespace sluice::format {
namespace {

// Parses `text` as a value and writes it back; "error: <message>" on failure.
std::string round_trip(std::string_view text, JsonLimits limits = {}) {
  JsonReader reader(limits);
  Arena arena;
  Value v;
  Status s = reader.read_value(text, arena, &v);
  if (!s.is_ok()) return "error: " + s.message();
  return to_json(v);
}

TEST(JsonReader, NumbersKeepIntOrFloat) {
  EXPECT_EQ(round_trip("1"), "1");
  EXPECT_EQ(round_trip("1.0"), "1.0");
  EXPECT_EQ(round_trip("-0"), "0");
  EXPECT_EQ(round_trip("-0.0"), "-0.0");
  EXPECT_EQ(round_trip("1e308"), "1e+308");
  EXPECT_EQ(round_trip("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(round_trip("9223372036854775807"), "9223372036854775807");
  JsonReader reader;
  Arena arena;
  Value v;
  ASSERT_TRUE(reader.read_value("[3, 3.5]", arena, &v).is_ok());
  EXPECT_TRUE(v.as_array()[0].is_int());
  EXPECT_TRUE(v.as_array()[1].is_double());
}

TEST(JsonReader, BigIntegersKeepTheirDigits) {
  EXPECT_EQ(round_trip("9223372036854775808"), "9223372036854775808");
  EXPECT_EQ(round_trip("18446744073709551616"), "18446744073709551616");
  EXPECT_EQ(round_trip(R"({"id":123456789012345678901234567890,"n":-99999999999999999999})"),
            R"({"id":123456789012345678901234567890,"n":-99999999999999999999})");
  JsonReader reader;
  Arena arena;
  Value v;
  ASSERT_TRUE(reader.read_value("18446744073709551616", arena, &v).is_ok());
  EXPECT_DOUBLE_EQ(v.as_double(), 18446744073709551616.0);
  EXPECT_EQ(round_trip("1e400"), "error: number 1e400 is malformed or out of range at byte 0");
  EXPECT_EQ(round_trip(R"({"x": [1, 2e999]})"), "error: number 2e999 is malformed or out of range at byte 10");
}

TEST(JsonReader, LongDecimalsBesideBigIntegersKeepTheirValue) {
  // A big integer sends the document down the exact (slow) path; the long decimal
  // beside it must not come out as 0 (found by json_fuzz).
  EXPECT_EQ(round_trip(R"({"big":184467440737095511e2,"neg":-999999999999999999337203807})"),
            R"({"big":18446744073709551616.0,"neg":-999999999999999999337203807})");
  EXPECT_EQ(round_trip(R"([12345678901234567890.5, 99999999999999999999])"),
            R"([12345678901234567168.0,99999999999999999999])");
}

TEST(JsonReader, UnicodeEscapesAndSurrogatePairsDecode) {
  EXPECT_EQ(round_trip(R"("caf\u00e9 \ud83d\ude00 \n\t\"\\\/")"), "\"café 😀 \\n\\t\\\"\\\\/\"");
  EXPECT_EQ(round_trip("\"raw ütf-8 ✓\""), "\"raw ütf-8 ✓\"");
  EXPECT_EQ(round_trip(R"("\ud800")"), "error: invalid string (bad escape or unpaired UTF-16 surrogate) at byte 0");
  EXPECT_EQ(round_trip(R"("\q")"), "error: invalid string (bad escape or unpaired UTF-16 surrogate) at byte 0");
}

TEST(JsonReader, InvalidUtf8IsRejectedWithItsBytePosition) {
  EXPECT_EQ(round_trip("{\"a\":\"ok\",\"b\":\"\xff\"}"), "error: invalid UTF-8 at byte 15");
  EXPECT_EQ(round_trip("\"\xc0\xaf\""), "error: invalid UTF-8 at byte 1");       // overlong
  EXPECT_EQ(round_trip("\"\xed\xa0\x80\""), "error: invalid UTF-8 at byte 1");   // surrogate in UTF-8
  EXPECT_EQ(round_trip("\"abc\xe2\x82\""), "error: invalid UTF-8 at byte 4");     // truncated sequence
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // beyond U+10FFFF
}

TEST(JsonReader, DepthLimitIsEnforcedWithPosition) {
  std::string at_limit = std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(round_trip(at_limit), at_limit);
  std::string over = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(round_trip(over), "error: nesting deeper than 64 levels at byte 64");
  std::string deep_objects;
  for (int i = 0; i < 5; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(5, '}');
  EXPECT_EQ(round_trip(deep_objects, JsonLimits{4, 1 << 20, 1 << 20}), "error: nesting deeper than 4 levels at byte 20");
  // Far past any limit: an error, not a stack overflow.
  std::string very_deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(round_trip(very_deep).find("error:"), std::string::npos);
}

TEST(JsonReader, MalformedInputSaysWhere) {
  EXPECT_EQ(round_trip(""), "error: no JSON value (the input is empty) at byte 0");
  EXPECT_EQ(round_trip("   "), "error: no JSON value (the input is empty) at byte 0");
  EXPECT_EQ(round_trip(R"({"a":1} x)"), "error: unexpected content after the JSON value at byte 8");
  EXPECT_EQ(round_trip("\"abc"), "error: A string is opened, but never closed.");
  EXPECT_NE(round_trip(R"({"a":)").find("error:"), std::string::npos);
  EXPECT_NE(round_trip(R"({"a" 1})").find("error:"), std::string::npos);
  EXPECT_NE(round_trip("[1,2").find("error:"), std::string::npos);
  EXPECT_NE(round_trip("tru").find("error:"), std::string::npos);
}

TEST(JsonReader, DuplicateKeysKeepTheLastValue) {
  EXPECT_EQ(round_trip(R"({"a":1,"b":2,"a":3})"), R"({"a":3,"b":2})");
  std::string big = "{";
  for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  big += "\"k7\":\"last\"}";
  JsonReader reader;
  Arena arena;
  Value v;
  ASSERT_TRUE(reader.read_value(big, arena, &v).is_ok());
  EXPECT_EQ(v.size(), 40u);
  EXPECT_EQ(v.find("k7")->as_string(), "last");
}

TEST(JsonReader, ReadObjectRejectsOtherValues) {
  JsonReader reader;
  Arena arena;
  Value v;
  EXPECT_EQ(reader.read_object("[1]", arena, &v).message(), "expected a JSON object, got array");
  EXPECT_EQ(reader.read_object("42", arena, &v).message(), "expected a JSON object, got number");
  EXPECT_TRUE(reader.read_object(R"({"x":[]})", arena, &v).is_ok());
}

TEST(JsonReader, EventSizeLimit) {
  JsonReader reader(JsonLimits{64, 32, 1 << 20});
  Arena arena;
  Value v;
  EXPECT_EQ(reader.read_object(R"({"a":"this object is longer than 32 bytes"})", arena, &v).message(),
            "event of 43 bytes is over the limit of 32 bytes");
}

TEST(JsonReader, NdjsonKeepsGoodLinesAndReportsBadOnes) {
  std::string body = "{\"n\":1}\n\n{\"n\":2}\r\n{\"n\":\n{\"n\":4}\n  [5]\n{\"n\":\"\xff\"}\n{\"n\":7}";
  JsonReader reader;
  Batch batch;
  std::vector<JsonError> errors;
  ASSERT_TRUE(reader.read_events(body, BodyFormat::kNdjson, batch, &errors).is_ok());
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(batch.events[0].fields.find("n")->as_int(), 1);
  EXPECT_EQ(batch.events[1].fields.find("n")->as_int(), 2);
  EXPECT_EQ(batch.events[2].fields.find("n")->as_int(), 4);
  EXPECT_EQ(batch.events[3].fields.find("n")->as_int(), 7);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].index, 2u);
  EXPECT_EQ(errors[0].message.substr(0, 7), "line 4,");
  EXPECT_EQ(errors[1].index, 4u);
  EXPECT_EQ(errors[1].message, "line 6: expected a JSON object, got array");
  EXPECT_EQ(errors[2].index, 5u);
  EXPECT_EQ(errors[2].message, "line 7, column 7: invalid UTF-8");
  EXPECT_EQ(errors[2].byte_offset, body.find('\xff'));
}

TEST(JsonReader, ArrayBodiesAndNonObjectElements) {
  JsonReader reader;
  Batch batch;
  std::vector<JsonError> errors;
  ASSERT_TRUE(reader.read_events(R"([{"a":1}, 2, {"a":3}])", BodyFormat::kAuto, batch, &errors).is_ok());
  EXPECT_EQ(batch.size(), 2u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].index, 1u);
  EXPECT_EQ(errors[0].message, "element 1: expected a JSON object, got int");
  Batch broken;
  Status s = reader.read_events(R"([{"a":1}, {"a":)", BodyFormat::kArray, broken, &errors);
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.message().substr(0, 20), "malformed JSON array");
}

TEST(JsonReader, AutoDetectsOnePrettyPrintedObject) {
  JsonReader reader;
  Batch batch;
  std::vector<JsonError> errors;
  ASSERT_TRUE(reader.read_events("{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n", BodyFormat::kAuto, batch, &errors).is_ok());
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(to_json(batch.events[0].fields), R"({"a":1,"b":[1,2]})");
}

TEST(JsonReader, BodyLimitRejectsTheWholeBody) {
  JsonReader reader(JsonLimits{64, 1 << 20, 10});
  Batch batch;
  std::vector<JsonError> errors;
  Status s = reader.read_events(R"({"a":1}
{"b":2})", BodyFormat::kNdjson, batch, &errors);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "body of 15 bytes is over the limit of 10 bytes");
}

TEST(JsonReader, WriterOutputReadsBackEqual) {
  const char* docs[] = {R"({"s":"x\u0001y","f":0.1,"e":1e-300,"i":-5,"b":true,"n":null,"a":[[],{}],"o":{"k":"v"}})",
                        R"({"big":98765432109876543210,"neg":-1.5e10})"};
  for (const char* doc : docs) {
    JsonReader reader;
    Arena arena;
    Value first, second;
    ASSERT_TRUE(reader.read_value(doc, arena, &first).is_ok());
    std::string written = to_json(first);
    ASSERT_TRUE(reader.read_value(written, arena, &second).is_ok()) << written;
    EXPECT_EQ(first, second) << written;
    EXPECT_EQ(to_json(second), written);
  }
}

}  // namespace
}  // namespace sluice::format

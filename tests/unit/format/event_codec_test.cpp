#include "format/event_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "format/json_reader.h"
#include "format/json_writer.h"

namespace sluice::format {
namespace {

Value parse(Arena& arena, const std::string& json) {
  JsonReader reader;
  Value v;
  EXPECT_TRUE(reader.read_value(json, arena, &v).is_ok()) << json;
  return v;
}

TEST(EventCodec, RoundTripsEveryValueType) {
  Arena arena;
  Value v = parse(arena, R"({"s":"héllo","i":-42,"big":123456789012345678901234567890,"d":2.5,"t":true,"f":false,)"
                         R"("n":null,"a":[1,[2,{"x":"y"}],[]],"o":{"deep":{"er":-1e300}},"e":""})");
  ObjectBuilder with_time(arena);
  for (const Field& f : v.as_object()) with_time.set(f.name, f.value);
  with_time.set(FieldNames::intern("ts"), Value::timestamp(1'790'000'000'123'456));
  Value original = with_time.finish();
  std::string bytes;
  encode_value(original, &bytes);
  Arena other;
  Value decoded;
  ASSERT_TRUE(decode_value(bytes, other, &decoded).is_ok());
  EXPECT_EQ(decoded, original);
  EXPECT_EQ(decoded.find("big")->big_integer_digits(), "123456789012345678901234567890");
  EXPECT_TRUE(decoded.find("ts")->is_timestamp());
}

TEST(EventCodec, TruncatedOrGarbledBytesAreErrorsNotCrashes) {
  Arena arena;
  Value v = parse(arena, R"({"service":"checkout","tags":["a","b"],"latency_ms":12.5,"nested":{"k":[1,2,3]}})");
  std::string bytes;
  encode_value(v, &bytes);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    Arena a;
    Value out;
    EXPECT_FALSE(decode_value(std::string_view(bytes).substr(0, cut), a, &out).is_ok()) << cut;
  }
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string damaged = bytes;
    damaged[rng() % damaged.size()] = static_cast<char>(rng());
    Arena a;
    Value out;
    (void)decode_value(damaged, a, &out);  // any status, but never a crash or a hang
  }
  Arena a;
  Value out;
  EXPECT_FALSE(decode_value(bytes + "x", a, &out).is_ok());
}

}  // namespace
}  // namespace sluice::format

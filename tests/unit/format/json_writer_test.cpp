#include "format/json_writer.h"

#include <gtest/gtest.h>

#include "format/json_reader.h"

namespace sluice::format {
namespace {

// Object keys are escaped once per thread and then copied from that cache: they must
// come out as append_json_string writes them (tests/unit/core/json_string_test.cpp),
// also the second time.
TEST(JsonWriter, ObjectKeysAreEscapedAndStayRightWhenRepeated) {
  Arena arena;
  ObjectBuilder b(arena, 3);
  b.set(FieldNames::intern("plain"), Value::integer(1));
  b.set(FieldNames::intern("with \"quotes\" and \\ and \n"), Value::string("v"));
  b.set(FieldNames::intern(""), Value::boolean(true));
  const Value object = b.finish();
  const std::string want = R"({"plain":1,"with \"quotes\" and \\ and \n":"v","":true})";
  EXPECT_EQ(to_json(object), want);
  EXPECT_EQ(to_json(object), want) << "the second time, from the keys written the first";

  // And what was written reads back as the same object.
  JsonReader reader;
  Value back;
  ASSERT_TRUE(reader.read_value(want, arena, &back).is_ok());
  EXPECT_EQ(to_json(back), want);
}

}  // namespace
}  // namespace sluice::format

#include <gtest/gtest.h>

#include "core/field_path.h"

namespace sluice {
namespace {

Value make_event(Arena& arena) {
  ObjectBuilder inner(arena);
  inner.set(FieldNames::intern("b"), Value::integer(1));
  Value* tags = arena.allocate_array<Value>(2);
  tags[0] = Value::string("x");
  tags[1] = Value::string("y");
  ObjectBuilder root(arena);
  root.set(FieldNames::intern("a"), inner.finish());
  root.set(FieldNames::intern("tags"), Value::array(tags, 2));
  return root.finish();
}

TEST(FieldPath, ParsesAndPrintsCanonically) {
  for (const char* text : {".a.b", ".tags[0]", ".tags[-1]", ".\"user-agent\"", ".a.\"b c\"[2].d", "."}) {
    auto p = FieldPath::parse(text);
    ASSERT_TRUE(p) << text << ": " << p.status().message();
    EXPECT_EQ(p->to_string(), text);
  }
  EXPECT_EQ(FieldPath::parse("a.b")->to_string(), ".a.b");  // the leading dot is optional
}

TEST(FieldPath, BadPathsNameTheOffset) {
  EXPECT_EQ(FieldPath::parse("").status().message(), "empty field path");
  EXPECT_EQ(FieldPath::parse(".a[x]").status().message(), "array index must be an integer at offset 3");
  EXPECT_EQ(FieldPath::parse(".a[1").status().message(), "unterminated '[' at offset 2");
  EXPECT_EQ(FieldPath::parse(".a b").status().message(), "unexpected character ' ' at offset 2 in field path \".a b\"");
}

TEST(FieldPath, LookupFollowsObjectsAndArrays) {
  Arena arena;
  Value event = make_event(arena);
  EXPECT_EQ(lookup(event, *FieldPath::parse(".a.b"))->as_int(), 1);
  EXPECT_EQ(lookup(event, *FieldPath::parse(".tags[-1]"))->as_string(), "y");
  EXPECT_EQ(lookup(event, *FieldPath::parse(".tags[2]")), nullptr);
  EXPECT_EQ(lookup(event, *FieldPath::parse(".a.b.c")), nullptr);
  EXPECT_EQ(lookup(event, *FieldPath::parse(".missing")), nullptr);
}

TEST(FieldPath, SetCopiesOnWriteAndCreatesMissingObjects) {
  Arena arena;
  Value event = make_event(arena);
  auto updated = set_path(arena, event, *FieldPath::parse(".a.new.deep"), Value::integer(9));
  ASSERT_TRUE(updated);
  EXPECT_EQ(lookup(*updated, *FieldPath::parse(".a.new.deep"))->as_int(), 9);
  EXPECT_EQ(lookup(*updated, *FieldPath::parse(".a.b"))->as_int(), 1);
  EXPECT_EQ(lookup(event, *FieldPath::parse(".a.new")), nullptr) << "the original must be unchanged";
  auto replaced = set_path(arena, event, *FieldPath::parse(".tags[1]"), Value::string("z"));
  ASSERT_TRUE(replaced);
  EXPECT_EQ(lookup(*replaced, *FieldPath::parse(".tags[1]"))->as_string(), "z");
  EXPECT_EQ(lookup(event, *FieldPath::parse(".tags[1]"))->as_string(), "y");
}

TEST(FieldPath, SetThroughAScalarOrPastAnArrayIsAnError) {
  Arena arena;
  Value event = make_event(arena);
  EXPECT_FALSE(set_path(arena, event, *FieldPath::parse(".a.b.c"), Value::null()));
  EXPECT_FALSE(set_path(arena, event, *FieldPath::parse(".tags[5]"), Value::null()));
  EXPECT_FALSE(set_path(arena, event, *FieldPath::parse("."), Value::integer(1)));
}

TEST(FieldPath, RemoveLeavesTheOriginalIntact) {
  Arena arena;
  Value event = make_event(arena);
  bool removed = false;
  Value out = remove_path(arena, event, *FieldPath::parse(".a.b"), &removed);
  EXPECT_TRUE(removed);
  EXPECT_EQ(lookup(out, *FieldPath::parse(".a.b")), nullptr);
  EXPECT_NE(lookup(event, *FieldPath::parse(".a.b")), nullptr);
  remove_path(arena, event, *FieldPath::parse(".nope"), &removed);
  EXPECT_FALSE(removed);
}

}  // namespace
}  // namespace sluice

#include "observe/json_out.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice::observe {
namespace {

TEST(JsonOut, PlacesCommasInNestedContainers) {
  JsonOut j;
  j.begin_object();
  j.key("a").value(uint64_t{1});
  j.key("b").begin_array().value("x").value(int64_t{-2}).begin_object().end_object().end_array();
  j.key("c").begin_object().key("d").value(true).key("e").null().end_object();
  j.key("f").value(0.5);
  j.end_object();
  EXPECT_EQ(j.text(), R"({"a":1,"b":["x",-2,{}],"c":{"d":true,"e":null},"f":0.5})");
}

TEST(JsonOut, EscapesStringsAndWritesNonFiniteAsNull) {
  JsonOut j;
  j.begin_array().value(std::string_view("q\"b\\n\n\x01", 7)).value(std::nan("")).end_array();
  EXPECT_EQ(j.text(), R"(["q\"b\\n\n\u0001",null])");
}

}  // namespace
}  // namespace sluice::observe

#include "core/config/interpolate.h"

#include <gtest/gtest.h>

#include <map>

namespace sluice {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Interpolate, ReplacesSetVariables) {
  auto out = interpolate("dir=${HOME_DIR}/data", fake_env({{"HOME_DIR", "/srv"}}));
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "dir=/srv/data");
}

TEST(Interpolate, DefaultIsUsedWhenUnsetOrEmpty) {
  auto env = fake_env({{"EMPTY", ""}});
  EXPECT_EQ(*interpolate("${MISSING:-5}", env), "5");
  EXPECT_EQ(*interpolate("${EMPTY:-x}", env), "x");
  EXPECT_EQ(*interpolate("${MISSING:-}", env), "");
}

TEST(Interpolate, UnsetVariableWithoutDefaultIsAnErrorNamingIt) {
  auto out = interpolate("${NOPE}", fake_env({}));
  ASSERT_FALSE(out);
  EXPECT_NE(out.status().message().find("NOPE is not set"), std::string::npos);
}

TEST(Interpolate, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(*interpolate("cost $$5 and ${A}", fake_env({{"A", "b"}})), "cost $5 and b");
  EXPECT_EQ(*interpolate("lone $ sign", fake_env({})), "lone $ sign");
}

TEST(Interpolate, ValuesAreNotReinterpolated) {
  EXPECT_EQ(*interpolate("${A}", fake_env({{"A", "${B}"}, {"B", "x"}})), "${B}");
}

TEST(Interpolate, MalformedReferencesAreErrors) {
  EXPECT_FALSE(interpolate("${UNCLOSED", fake_env({})));
  EXPECT_FALSE(interpolate("${bad-name}", fake_env({})));
  EXPECT_FALSE(interpolate("${}", fake_env({})));
  EXPECT_FALSE(interpolate("${1ABC}", fake_env({})));
}

}  // namespace
}  // namespace sluice

#include "cli/component_reference.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace sluice::cli {
namespace {

TEST(ComponentReference, ConfigurationDocContainsTheGeneratedReference) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string doc = buffer.str();
  const std::string begin = "<!-- BEGIN GENERATED: sluice components --markdown -->\n";
  const std::string end = "<!-- END GENERATED -->";
  size_t a = doc.find(begin);
  size_t b = doc.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  std::string generated = doc.substr(a + begin.size(), b - a - begin.size());
  EXPECT_EQ(generated, component_reference_markdown(runtime::Registry::builtin()))
      << "docs/configuration.md is out of date: regenerate the section with `sluice components --markdown`";
}

TEST(ComponentReference, EveryOptionOfEveryTypeIsListedWithItsDefault) {
  std::string text = component_reference_markdown(runtime::Registry::builtin());
  for (ComponentKind kind : {ComponentKind::kSource, ComponentKind::kTransform, ComponentKind::kSink}) {
    for (const std::string& type : runtime::Registry::builtin().types(kind)) {
      EXPECT_NE(text.find("#### `" + type + "`"), std::string::npos) << type;
      for (const OptionSpec& o : runtime::Registry::builtin().find(kind, type)->options) {
        EXPECT_NE(text.find("| `" + o.name + "` |"), std::string::npos) << type << "." << o.name;
      }
    }
  }
}

}  // namespace
}  // namespace sluice::cli

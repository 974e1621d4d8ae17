// Golden tests of `sluice validate` messages: every tests/data/config/NAME.yaml is
// loaded and its diagnostics must equal NAME.expected byte for byte. Run with
// SLUICE_UPDATE_GOLDEN=1 to rewrite the expected files after an intended change,
// then review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/config/config_loader.h"
#include "runtime/registry.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

LoadOptions test_environment() {
  LoadOptions options;
  options.env = [](const std::string& name) -> std::optional<std::string> {
    static const std::map<std::string, std::string> kEnv = {{"SLUICE_TEST_DATA_DIR", "/tmp/sluice-test"}};
    auto it = kEnv.find(name);
    if (it == kEnv.end()) return std::nullopt;
    return it->second;
  };
  return options;
}

std::vector<fs::path> golden_inputs() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SLUICE_TEST_DATA_DIR) / "config")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ValidationGolden, EveryBrokenConfigReportsExactlyTheExpectedProblems) {
  const bool update = std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr;
  auto files = golden_inputs();
  ASSERT_GE(files.size(), 10u);
  for (const fs::path& yaml : files) {
    SCOPED_TRACE(yaml.filename().string());
    Diagnostics diagnostics;
    auto config = load_pipeline_text(read_file(yaml), yaml.filename().string(), runtime::Registry::builtin(),
                                     diagnostics, test_environment());
    std::string actual = diagnostics.format();
    fs::path expected_path = yaml;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << "; run with SLUICE_UPDATE_GOLDEN=1";
    EXPECT_EQ(read_file(expected_path), actual);
    // A config loads if and only if it has no diagnostics.
    EXPECT_EQ(config.has_value(), actual.empty());
  }
}

TEST(ValidationGolden, ValidConfigLoadsWithDefaultsFilledIn) {
  Diagnostics diagnostics;
  fs::path yaml = fs::path(SLUICE_TEST_DATA_DIR) / "config" / "valid.yaml";
  auto config = load_pipeline_text(read_file(yaml), "valid.yaml", runtime::Registry::builtin(), diagnostics,
                                   test_environment());
  ASSERT_TRUE(config) << diagnostics.format();
  EXPECT_EQ(config->data_dir, "/tmp/sluice-test");
  ASSERT_EQ(config->components.size(), 4u);
  const ComponentConfig* traffic = config->find("traffic");
  ASSERT_NE(traffic, nullptr);
  EXPECT_EQ(traffic->options.get_int("count"), 1000);        // 1_000 with a digit separator
  EXPECT_EQ(traffic->options.get_int("batch_size"), 500);    // default
  EXPECT_DOUBLE_EQ(traffic->options.get_float("rate"), 0.0);
  EXPECT_FALSE(traffic->options.has("start_time"));          // no default: now
  const ComponentConfig* out = config->find("out");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->options.get_int("max_file_size"), 1 << 20);
  ASSERT_EQ(out->inputs.size(), 3u);
  EXPECT_EQ(out->inputs[1].component, "enrich");
  EXPECT_EQ(out->inputs[1].port, "dead_letter");
}

// Every pipeline in examples/ validates as it is, except the one that shows a leak:
// its answer is tests/data/examples/NAME.expected (paths as `sluice validate` prints
// them from the repository root).
TEST(ValidationGolden, ExamplesValidateAndTheLeakingOneReportsItsLeaks) {
  const bool update = std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr;
  const fs::path root = SLUICE_SOURCE_DIR;
  size_t examples = 0;
  for (const auto& entry : fs::directory_iterator(root / "examples")) {
    if (entry.path().extension() != ".yaml") continue;
    ++examples;
    const std::string name = "examples/" + entry.path().filename().string();
    SCOPED_TRACE(name);
    Diagnostics diagnostics;
    LoadOptions options;
    options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    const fs::path cwd = fs::current_path();
    fs::current_path(root);  // examples name their tables relative to the repository root
    auto config = load_pipeline_text(read_file(entry.path()), name, runtime::Registry::builtin(), diagnostics, options);
    fs::current_path(cwd);
    const fs::path expected = root / "tests/data/examples" / entry.path().filename().replace_extension(".expected");
    if (!fs::exists(expected)) {
      EXPECT_TRUE(config) << diagnostics.format();
      continue;
    }
    if (update) {
      std::ofstream(expected, std::ios::binary) << diagnostics.format();
      continue;
    }
    EXPECT_FALSE(config);
    EXPECT_EQ(read_file(expected), diagnostics.format());
  }
  EXPECT_GE(examples, 2u);
}

}  // namespace
}  // namespace sluice

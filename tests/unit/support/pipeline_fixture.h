// Test support: build components and pipelines from YAML snippets, and read back
// the NDJSON files sinks write.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/config_loader.h"
#include "support/temp_dir.h"
#include "format/json_reader.h"
#include "runtime/registry.h"

namespace sluice::testing {

inline PipelineConfig load_config(const std::string& yaml, const runtime::Registry& registry = runtime::Registry::builtin()) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(yaml, "test.yaml", registry, diagnostics);
  EXPECT_TRUE(config.has_value()) << diagnostics.format();
  if (!config) throw std::runtime_error("test pipeline does not load: " + diagnostics.format());
  return *config;
}


// Every line of every *.ndjson file in `dir`, files in name order.
inline std::vector<std::string> read_ndjson_lines(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(dir)) return {};
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".ndjson") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> lines;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  return lines;
}

// Parses one JSON object line into `arena`; fails the test on a bad line.
inline Value parse_line(const std::string& line, Arena& arena) {
  format::JsonReader reader;
  Value value;
  Status s = reader.read_object(line, arena, &value);
  EXPECT_TRUE(s.is_ok()) << s.message() << " in: " << line;
  return value;
}

}  // namespace sluice::testing

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/pipeline.h"
#include "support/pipeline_fixture.h"

namespace sluice::sink {
namespace {

using testing::load_config;
using testing::read_ndjson_lines;
using testing::TempDir;

size_t run_generator_into_file_sink(const std::string& data_dir, int count, const std::string& max_size) {
  auto config = load_config("data_dir: " + data_dir + R"(
sources:
  traffic: {type: generator, rate: 0, count: )" + std::to_string(count) + R"(, seed: 4, start_time: 2026-01-01T00:00:00Z}
sinks:
  out: {type: file, inputs: [traffic], path: files, max_file_size: )" + max_size + "}\n");
  auto pipeline = runtime::Pipeline::build(config, runtime::Registry::builtin());
  EXPECT_TRUE(pipeline);
  EXPECT_TRUE((*pipeline)->run().is_ok());
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(data_dir + "/files")) files += e.is_regular_file();
  return files;
}

TEST(FileSink, RotatesBySizeWithoutSplittingLines) {
  TempDir dir;
  size_t files = run_generator_into_file_sink(dir.path(), 3000, "64KiB");
  EXPECT_GT(files, 5u);
  auto lines = read_ndjson_lines(dir.path() + "/files");
  ASSERT_EQ(lines.size(), 3000u);
  Arena arena;
  for (const std::string& line : lines) testing::parse_line(line, arena);  // every line is whole JSON
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/files")) {
    // A file may pass the limit by at most the line that crossed it.
    EXPECT_LT(std::filesystem::file_size(e.path()), 64u * 1024 + 2048) << e.path();
  }
}

TEST(FileSink, RestartContinuesNumberingInsteadOfAppending) {
  TempDir dir;
  size_t first = run_generator_into_file_sink(dir.path(), 100, "1MiB");
  ASSERT_EQ(first, 1u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/files/out-000001.ndjson"));
  run_generator_into_file_sink(dir.path(), 100, "1MiB");
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/files/out-000002.ndjson"));
  EXPECT_EQ(read_ndjson_lines(dir.path() + "/files").size(), 200u);
}

TEST(FileSink, RestartCutsATornLastLineLeftByAKilledRun) {
  TempDir dir;
  run_generator_into_file_sink(dir.path(), 10, "1MiB");
  const std::string first = dir.path() + "/files/out-000001.ndjson";
  const auto whole = std::filesystem::file_size(first);
  { std::ofstream(first, std::ios::app) << R"({"service":"checkout","lat)"; }  // a write cut by SIGKILL
  run_generator_into_file_sink(dir.path(), 10, "1MiB");
  EXPECT_EQ(std::filesystem::file_size(first), whole) << "the fragment is cut back to the last whole line";
  auto lines = read_ndjson_lines(dir.path() + "/files");
  ASSERT_EQ(lines.size(), 20u);
  Arena arena;
  for (const std::string& line : lines) testing::parse_line(line, arena);
}

TEST(FileSink, UnwritableDirectoryFailsTheRunWithTheReason) {
  TempDir dir;
  std::string blocker = dir.path() + "/blocker";
  std::ofstream(blocker) << "a file where a directory should be";
  auto config = load_config("data_dir: " + dir.path() + R"(
sources:
  traffic: {type: generator, rate: 0, count: 10}
sinks:
  out: {type: file, inputs: [traffic], path: blocker/files}
)");
  runtime::RunOptions options;
  options.shutdown_timeout_us = 200'000;
  auto pipeline = runtime::Pipeline::build(config, runtime::Registry::builtin(), options);
  ASSERT_TRUE(pipeline);
  Status status = (*pipeline)->run();
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("cannot create directory"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace sluice::sink

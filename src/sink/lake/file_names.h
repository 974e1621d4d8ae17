// Names of lake files.
//
// A file of events read from the log is named after what it holds:
//   <prefix>.<topic>-<partition>-<first offset>-<last offset>.parquet
// with offsets zero-padded to 20 digits so names sort in offset order. The prefix
// (a sink's name by default) ends at the first '.', which no prefix contains, so
// sinks "web" and "web-errors" sharing a directory never read each other's names. The name
// is the lake's own record of progress: after a crash, the files in a directory
// say which offsets of each partition that directory already holds, so a replay
// skips them instead of writing them twice (parquet.h).
//
// Results of stateful transforms (window outputs) come from no single record:
//   <prefix>.nolog-<open time, µs>-<sequence>.parquet
// While written, a file is `.<prefix>.<unique>.tmp`: hidden from readers (Hive, Spark,
// DuckDB globs skip dot files) and removed as a leftover on the next start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::sink::lake {

struct LoggedFileName {
  std::string topic;
  int32_t partition = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
};

std::string logged_file_name(std::string_view prefix, std::string_view topic, int32_t partition,
                             int64_t first_offset, int64_t last_offset);
std::string unlogged_file_name(std::string_view prefix, int64_t opened_us, uint64_t sequence);
// The temporary name a file is written under.
std::string temp_file_name(std::string_view prefix, std::string_view unique);

// Parses a name logged_file_name() made with `prefix`; nullopt for anything else.
std::optional<LoggedFileName> parse_logged_file_name(std::string_view name,
                                                     std::string_view prefix);
// True for a temporary file of this prefix (a leftover when no writer has it open).
bool is_temp_file_name(std::string_view name, std::string_view prefix);

}  // namespace sluice::sink::lake

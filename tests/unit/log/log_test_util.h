// Helpers for log tests: open an embedded log in a directory, append numbered
// records, read a whole partition back.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "log/embedded_log.h"

namespace sluice::log::testing {

inline std::unique_ptr<EmbeddedLog> open_log(const std::string& dir, EmbeddedLogOptions options = {}) {
  options.dir = dir + "/log";
  auto log = EmbeddedLog::open(std::move(options));
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  if (!log) throw std::runtime_error(log.status().message());
  return std::move(log).value();
}

inline TopicConfig topic(const std::string& name, int32_t partitions = 1) {
  TopicConfig c;
  c.name = name;
  c.partitions = partitions;
  return c;
}

// Appends records "v<first>" .. "v<first+count-1>" as one batch.
inline Result<AppendResult> append_numbered(Log& log, const std::string& topic, int32_t partition, int first,
                                            int count, size_t pad = 0) {
  std::vector<std::string> values;
  for (int i = first; i < first + count; ++i) values.push_back("v" + std::to_string(i) + std::string(pad, '.'));
  std::vector<Record> records;
  for (size_t i = 0; i < values.size(); ++i) records.push_back({1000 + first + static_cast<int64_t>(i), "", values[i]});
  return log.append(topic, partition, records);
}

struct ReadAll {
  std::vector<std::string> values;  // without padding
  std::vector<int64_t> offsets;
  size_t skipped = 0;
};

inline ReadAll read_all(Log& log, const std::string& topic, int32_t partition, int64_t from = 0) {
  ReadAll all;
  int64_t offset = from;
  for (int guard = 0; guard < 100000; ++guard) {
    auto r = log.read(topic, partition, offset, 64 * 1024, 0);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    if (!r) break;
    all.skipped += r->skipped.size();
    for (const auto& rec : r->records) {
      std::string v(rec.value);
      all.values.push_back(v.substr(0, v.find('.')));
      all.offsets.push_back(rec.offset);
    }
    if (r->next_offset == offset) break;
    offset = r->next_offset;
  }
  return all;
}

}  // namespace sluice::log::testing

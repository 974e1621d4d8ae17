// Partitioner: the Hive-style directory (`date=2026-11-24/hour=10/service=auth`)
// an event goes to in the lake.
//
// Each `partition_by` entry is `name=<spec>`, where the spec is either a time
// pattern of the event time in UTC (`%Y %m %d %H %M %S %j`, other text literal:
// `date=%Y-%m-%d`) or a field path (`service=.service`). A bare field path
// (`.service`) is `service=.service`. Field values are escaped as Hive does
// (`%2F` for '/', and so on); a missing or null field is
// `__HIVE_DEFAULT_PARTITION__`. Readers with hive partitioning (DuckDB, Spark,
// Trino) get the values back as columns; the partition fields are therefore not
// stored again inside the files.
//
// Not thread-safe. Formatting a time is cached per time bucket, so an event costs
// a division and a few field lookups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch.h"
#include "core/field_path.h"
#include "core/status.h"

namespace sluice::sink::lake {

struct PartitionSpec {
  std::string name;
  std::string time_pattern;        // set for a time partition
  std::optional<FieldPath> field;  // set for a field partition
};

// Parses one `partition_by` entry; the error says what is wrong with it.
Result<PartitionSpec> parse_partition_spec(std::string_view text);

// Hive's escaping of a partition value (and its inverse, for reading back).
std::string escape_partition_value(std::string_view value);
void append_escaped_partition_value(std::string_view value, std::string* out);
std::string unescape_partition_value(std::string_view value);
inline constexpr std::string_view kHiveNullPartition = "__HIVE_DEFAULT_PARTITION__";

class Partitioner {
 public:
  explicit Partitioner(std::vector<PartitionSpec> specs);

  bool empty() const { return specs_.empty(); }
  const std::vector<PartitionSpec>& specs() const { return specs_; }
  // The directory of `event`, relative to the lake root ("" without partitions).
  // The view stays valid until the next call.
  std::string_view directory(const Event& event);

 private:
  std::string format_time(const std::string& pattern, int64_t ts_us) const;

  std::vector<PartitionSpec> specs_;
  int64_t time_granularity_us_ = 0;  // the cache's bucket: the finest unit the patterns use
  int64_t cached_bucket_ = INT64_MIN;
  std::vector<std::string> cached_times_;
  bool has_fields_ = false;
  std::string directory_;
  std::string scratch_;
};

}  // namespace sluice::sink::lake

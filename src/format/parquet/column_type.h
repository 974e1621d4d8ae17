// The column types sluice writes to Parquet, and their physical/logical mapping:
//   boolean    BOOLEAN
//   int64      INT64
//   double     DOUBLE
//   string     BYTE_ARRAY, logical STRING (UTF-8)
//   timestamp  INT64, logical TIMESTAMP(isAdjustedToUTC = true, MICROS)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::format::parquet {

enum class ColumnType : uint8_t { kBoolean, kInt64, kDouble, kString, kTimestamp };

const char* column_type_name(ColumnType type);
std::optional<ColumnType> column_type_named(std::string_view name);

// The type both values fit in when a column of type `a` meets a value of type `b`:
// equal types stay, int64 and double make double, anything else makes string.
ColumnType promoted_type(ColumnType a, ColumnType b);

struct ColumnSpec {
  std::string name;  // flattened names are dotted: "client.ip"
  ColumnType type = ColumnType::kString;
};

}  // namespace sluice::format::parquet

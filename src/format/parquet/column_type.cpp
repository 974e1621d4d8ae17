#include "format/parquet/column_type.h"

namespace sluice::format::parquet {

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kString:
      return "string";
    case ColumnType::kTimestamp:
      return "timestamp";
  }
  return "?";
}

std::optional<ColumnType> column_type_named(std::string_view name) {
  for (ColumnType t : {ColumnType::kBoolean, ColumnType::kInt64, ColumnType::kDouble,
                       ColumnType::kString, ColumnType::kTimestamp}) {
    if (name == column_type_name(t)) return t;
  }
  return std::nullopt;
}

ColumnType promoted_type(ColumnType a, ColumnType b) {
  if (a == b) return a;
  const bool a_number = a == ColumnType::kInt64 || a == ColumnType::kDouble;
  const bool b_number = b == ColumnType::kInt64 || b == ColumnType::kDouble;
  if (a_number && b_number) return ColumnType::kDouble;
  return ColumnType::kString;
}

}  // namespace sluice::format::parquet

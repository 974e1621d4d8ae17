#include "sink/lake/column_values.h"

#include <cmath>

#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::sink::lake {

using format::parquet::ColumnType;

ColumnType natural_type(const Value& v) {
  switch (v.type()) {
    case ValueType::kBool:
      return ColumnType::kBoolean;
    case ValueType::kInt:
      return ColumnType::kInt64;
    case ValueType::kDouble:
      return ColumnType::kDouble;
    case ValueType::kTimestamp:
      return ColumnType::kTimestamp;
    default:
      return ColumnType::kString;
  }
}

void append_value_text(const Value& v, std::string* out) {
  if (v.is_string()) {
    out->append(v.as_string());
    return;
  }
  if (v.is_timestamp()) {
    char buf[kRfc3339MaxBytes];
    out->append(buf, format_rfc3339(v.as_timestamp_us(), buf));
    return;
  }
  format::append_json(v, *out);
}

namespace {
std::string describe(const Value& v) {
  std::string text;
  format::append_json(v, text);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}
}  // namespace

bool append_value(format::parquet::ColumnBuffer& column, const Value& v, std::string* reason) {
  const ColumnType type = column.type();
  switch (type) {
    case ColumnType::kString: {
      if (v.is_string()) {
        column.append_string(v.as_string());
      } else {
        thread_local std::string text;
        text.clear();
        append_value_text(v, &text);
        column.append_string(text);
      }
      return true;
    }
    case ColumnType::kBoolean:
      if (v.is_bool()) {
        column.append_int(v.as_bool() ? 1 : 0);
        return true;
      }
      break;
    case ColumnType::kInt64:
      if (v.is_int()) {
        column.append_int(v.as_int());
        return true;
      }
      if (v.is_double() && v.big_integer_digits().empty()) {
        const double d = v.as_double();
        if (std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18) {
          column.append_int(static_cast<int64_t>(d));
          return true;
        }
      }
      break;
    case ColumnType::kDouble:
      if (v.is_number()) {
        column.append_double(v.as_number());
        return true;
      }
      break;
    case ColumnType::kTimestamp:
      if (v.is_timestamp()) {
        column.append_int(v.as_timestamp_us());
        return true;
      }
      if (v.is_string()) {
        auto parsed = parse_rfc3339(v.as_string());
        if (parsed) {
          column.append_int(*parsed);
          return true;
        }
      }
      break;
  }
  *reason = describe(v) + " is not " + (type == ColumnType::kInt64 ? "an " : "a ") +
            format::parquet::column_type_name(type);
  return false;
}

}  // namespace sluice::sink::lake

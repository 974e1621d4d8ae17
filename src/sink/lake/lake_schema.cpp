#include "sink/lake/lake_schema.h"

#include <spdlog/spdlog.h>

#include "sink/lake/column_values.h"

namespace sluice::sink::lake {

using format::parquet::ColumnBuffer;
using format::parquet::ColumnSpec;
using format::parquet::ColumnType;

LakeSchema::LakeSchema(format::ColumnMapper::Nested nested, std::string time_column,
                       std::set<std::string> excluded, std::string sink_name,
                       observe::ComponentStats& stats)
    : mapper_(nested),
      time_column_(std::move(time_column)),
      excluded_(std::move(excluded)),
      sink_name_(std::move(sink_name)),
      stats_(stats) {
  if (!time_column_.empty()) {
    declare(time_column_, ColumnType::kTimestamp);
    time_column_id_ = *mapper_.find(time_column_);
  }
}

LakeSchema::Known& LakeSchema::known(size_t column) {
  if (column >= known_.size()) known_.resize(column + 1);
  Known& k = known_[column];
  if (!k.initialized) {
    k.initialized = true;
    k.excluded = excluded_.count(mapper_.column_name(column)) > 0;
  }
  return k;
}

void LakeSchema::declare(const std::string& name, ColumnType type) {
  Known& k = known(mapper_.column(name));
  k.declared = true;
  k.has_type = true;
  k.type = type;
}

void LakeSchema::add_known_columns(LakeFile& file) {
  if (!time_column_.empty())
    file.add_column(time_column_id_, ColumnSpec{time_column_, ColumnType::kTimestamp});
  for (size_t c = 0; c < known_.size(); ++c) {
    const Known& k = known_[c];
    if (!k.initialized || !k.has_type || k.excluded || file.local_column(c) >= 0) continue;
    file.add_column(c, ColumnSpec{mapper_.column_name(c), k.type});
  }
}

LakeSchema::Appended LakeSchema::append(LakeFile& file, const Event& event, std::string* reason) {
  const size_t row = file.rows();
  Appended result = Appended::kOk;
  mapper_.for_each_column(event.fields, [&](size_t column, const Value& v) {
    if (result != Appended::kOk) return;
    Known& k = known(column);
    if (k.excluded) return;
    const ColumnType natural = natural_type(v);
    if (!k.has_type) {
      k.has_type = true;
      k.type = natural;
    }
    int local = file.local_column(column);
    if (local < 0) {
      if (file.frozen()) {
        result = Appended::kSchemaChange;
        return;
      }
      local = file.add_column(column, ColumnSpec{mapper_.column_name(column), k.type});
    }
    ColumnBuffer& buffer = file.column(local);
    if (buffer.rows() > row)
      return;  // two fields spell one column ("a.b" and a → b): the first wins
    if (!k.declared) {
      const ColumnType target = format::parquet::promoted_type(buffer.type(), natural);
      if (target != buffer.type()) {
        widen(column, k, target);
        if (file.frozen()) {
          result = Appended::kSchemaChange;
          return;
        }
        buffer.promote(target);
        file.set_type(local, target);
      }
    }
    if (!append_value(buffer, v, reason)) {
      *reason = "column \"" + mapper_.column_name(column) + "\" (declared " +
                format::parquet::column_type_name(buffer.type()) + "): " + *reason;
      result = Appended::kRejected;
    }
  });
  if (result == Appended::kOk && !time_column_.empty()) {
    ColumnBuffer& buffer = file.column(file.local_column(time_column_id_));
    if (buffer.rows() == row)
      buffer.append_int(event.time_us);  // unless a field of that name filled it
  }
  if (result != Appended::kOk) {
    file.truncate(row);
    return result;
  }
  file.end_row();
  return Appended::kOk;
}

void LakeSchema::widen(size_t column, Known& k, ColumnType target) {
  const ColumnType wider = format::parquet::promoted_type(k.type, target);
  if (wider == k.type) return;
  if (k.promotions.empty()) k.promotions = format::parquet::column_type_name(k.type);
  k.promotions += std::string(" -> ") + format::parquet::column_type_name(wider);
  spdlog::warn("parquet sink \"{}\": column \"{}\" widened to {} ({})", sink_name_,
               mapper_.column_name(column), format::parquet::column_type_name(wider), k.promotions);
  k.type = wider;
  stats_.add_promoted(1);
}

std::string LakeSchema::promotions(const std::vector<ColumnSpec>& specs) const {
  std::string out;
  for (const ColumnSpec& spec : specs) {
    const size_t* column = mapper_.find(spec.name);
    if (column == nullptr || *column >= known_.size() || known_[*column].promotions.empty())
      continue;
    out += (out.empty() ? "" : "; ") + spec.name + ": " + known_[*column].promotions;
  }
  return out;
}

}  // namespace sluice::sink::lake

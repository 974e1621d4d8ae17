#include "sink/lake/lake_reader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/time.h"
#include "sink/lake/partitioner.h"

namespace sluice::sink::lake {

namespace {

namespace fs = std::filesystem;
using format::parquet::ColumnBuffer;
using format::parquet::ColumnType;

std::vector<FieldId> path_of(std::string_view name, bool unflatten) {
  std::vector<FieldId> path;
  if (!unflatten) {
    path.push_back(FieldNames::intern(name));
    return path;
  }
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    path.push_back(FieldNames::intern(
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return path;
}

Value column_value(const ColumnBuffer& c, size_t value_index, Arena& arena) {
  switch (c.type()) {
    case ColumnType::kBoolean:
      return Value::boolean(c.ints()[value_index] != 0);
    case ColumnType::kInt64:
      return Value::integer(c.ints()[value_index]);
    case ColumnType::kDouble:
      return Value::floating(c.doubles()[value_index]);
    case ColumnType::kTimestamp:
      return Value::timestamp(c.ints()[value_index]);
    case ColumnType::kString:
      return Value::string(arena.copy_string(c.string_at(value_index)));
  }
  return Value::null();
}

Value partition_value(const std::string& text, Arena& arena) {
  int64_t v = 0;
  const bool digits = !text.empty() && (text == "0" || (text[0] != '0' && text[0] != '+'));
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (digits && ec == std::errc() && ptr == text.data() + text.size()) return Value::integer(v);
  return Value::string(arena.copy_string(text));
}

}  // namespace

Result<std::unique_ptr<LakeReader>> LakeReader::open(const std::string& path) {
  std::unique_ptr<LakeReader> r(new LakeReader());
  r->path_ = path;
  auto reader = format::parquet::FileReader::open(path);
  if (!reader) return reader.status();
  r->reader_ = std::move(*reader);
  const auto& md = r->reader_->metadata();
  const std::string* nested = md.find_metadata("sluice.nested");
  const bool unflatten = nested != nullptr && *nested == "flatten";
  const std::string* time_column = md.find_metadata("sluice.time_column");
  const auto& columns = r->reader_->columns();
  r->nodes_.emplace_back();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (time_column && columns[i].name == *time_column &&
        columns[i].type == ColumnType::kTimestamp) {
      r->time_column_ = static_cast<int>(i);
      continue;
    }
    r->add_leaf(path_of(columns[i].name, unflatten), static_cast<int>(i));
  }
  // Field partitions: "service=.service,host=.http.host"; their values are in the path.
  if (const std::string* fields = md.find_metadata("sluice.partition_fields")) {
    std::vector<std::pair<std::string, FieldPath>> specs;
    size_t start = 0;
    while (start < fields->size()) {
      size_t comma = fields->find(',', start);
      if (comma == std::string::npos) comma = fields->size();
      auto spec = parse_partition_spec(std::string_view(*fields).substr(start, comma - start));
      if (spec && spec->field) specs.emplace_back(spec->name, *spec->field);
      start = comma + 1;
    }
    for (const fs::path& part : fs::path(path).parent_path()) {
      const std::string text = part.string();
      const size_t eq = text.find('=');
      if (eq == std::string::npos) continue;
      for (const auto& [name, field] : specs) {
        if (text.compare(0, eq, name) != 0 || eq != name.size()) continue;
        std::string value = unescape_partition_value(text.substr(eq + 1));
        if (value == kHiveNullPartition) continue;  // the field was missing
        std::vector<FieldId> ids;
        for (const PathSegment& segment : field.segments()) ids.push_back(segment.field);
        r->add_leaf(ids, static_cast<int>(columns.size() + r->partition_values_.size()));
        r->partition_values_.push_back(std::move(value));
      }
    }
  }
  return r;
}

void LakeReader::add_leaf(const std::vector<FieldId>& path, int leaf) {
  uint32_t node = 0;
  for (FieldId field : path) {
    uint32_t found = 0;
    for (uint32_t child : nodes_[node].children) {
      if (nodes_[child].field == field) found = child;
    }
    if (found == 0) {
      nodes_.push_back(Node{field, -1, {}});
      found = static_cast<uint32_t>(nodes_.size() - 1);
      nodes_[node].children.push_back(found);
    }
    node = found;
  }
  if (nodes_[node].leaf < 0) nodes_[node].leaf = leaf;  // two columns of one name: the first wins
}

// A value at a leaf wins over children of the same name ("a" and "a.b" both stored).
Value LakeReader::build(uint32_t node, const std::vector<Value>& values, Arena& arena) const {
  const Node& n = nodes_[node];
  if (n.leaf >= 0 && !values[static_cast<size_t>(n.leaf)].is_null())
    return values[static_cast<size_t>(n.leaf)];
  if (n.children.empty()) return Value::null();
  ObjectBuilder object(arena, static_cast<uint32_t>(n.children.size()));
  for (uint32_t child : n.children) {
    const Value v = build(child, values, arena);
    if (!v.is_null()) object.append_unique(nodes_[child].field, v);
  }
  return object.size() == 0 && node != 0 ? Value::null() : object.finish();
}

Result<bool> LakeReader::next(Batch* batch) {
  if (group_ >= reader_->row_groups()) return false;
  const size_t group = group_++;
  std::vector<ColumnBuffer> columns;
  for (size_t c = 0; c < reader_->columns().size(); ++c) {
    auto column = reader_->read_column(group, c);
    if (!column) return column.status();
    columns.push_back(std::move(*column));
  }
  const auto rows = static_cast<size_t>(reader_->row_group_rows(group));
  std::vector<size_t> next_value(columns.size(), 0);
  Arena& arena = batch->arena();
  std::vector<Value> values(columns.size() + partition_values_.size());
  for (size_t p = 0; p < partition_values_.size(); ++p) {
    values[columns.size() + p] = partition_value(partition_values_[p], arena);
  }
  const int64_t read_at = now_us();
  for (size_t row = 0; row < rows; ++row) {
    Event event;
    event.time_us = read_at;
    for (size_t c = 0; c < columns.size(); ++c) {
      values[c] = columns[c].defined()[row] ? column_value(columns[c], next_value[c]++, arena)
                                            : Value::null();
    }
    if (time_column_ >= 0 && !values[static_cast<size_t>(time_column_)].is_null()) {
      event.time_us = values[static_cast<size_t>(time_column_)].as_timestamp_us();
    }
    event.fields = build(0, values, arena);
    batch->events.push_back(event);
  }
  return true;
}

Result<std::vector<std::string>> lake_files(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
    return files;
  }
  if (!fs::is_directory(path, ec))
    return Status::not_found(path + " is neither a Parquet file nor a directory");
  for (auto it = fs::recursive_directory_iterator(path, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::io_error("cannot list " + path + ": " + ec.message());
    const std::string name = it->path().filename().string();
    if (!name.empty() && (name[0] == '.' || name[0] == '_')) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && it->path().extension() == ".parquet")
      files.push_back(it->path().string());
  }
  if (ec) return Status::io_error("cannot list " + path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace sluice::sink::lake

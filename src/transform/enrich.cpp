#include "transform/enrich.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "format/json_reader.h"
#include "format/json_writer.h"

namespace sluice::transform {
namespace {

// A loaded table: rows by key, values in an arena of its own. Enriched events get
// copies in their batch's arena, so a reload can free the old table at once.
struct Table {
  Arena arena;
  std::unordered_map<std::string, Value> rows;  // key text → object of the row's fields
};

// The text a key value is matched by: strings as they are, others as JSON.
void key_text(const Value& v, std::string* out) {
  out->clear();
  if (v.is_string())
    out->assign(v.as_string());
  else
    format::append_json(v, *out);
}

// CSV as RFC 4180: fields separated by commas, quoted with '"' (doubled inside),
// rows by CRLF or LF. Returns false with *error naming the line.
bool parse_csv(std::string_view text, std::vector<std::vector<std::string>>* rows,
               std::string* error) {
  std::vector<std::string> row;
  std::string field;
  size_t line = 1;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows->push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
      ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) {
    *error = "line " + std::to_string(line) + ": a quoted field is not closed";
    return false;
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows->push_back(std::move(row));
  }
  return true;
}

Result<std::shared_ptr<Table>> load_csv(const std::string& text, const std::string& key_column) {
  std::vector<std::vector<std::string>> rows;
  std::string error;
  if (!parse_csv(text, &rows, &error)) return Status::invalid(error);
  if (rows.empty()) return Status::invalid("no header row");
  const std::vector<std::string>& header = rows[0];
  size_t key = header.size();
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c] == key_column) key = c;
  }
  if (key == header.size())
    return Status::invalid("no column \"" + key_column + "\" in the header");
  std::vector<FieldId> names;
  for (const std::string& h : header) names.push_back(FieldNames::intern(h));
  auto table = std::make_shared<Table>();
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != header.size()) {
      return Status::invalid("row " + std::to_string(r + 1) + " has " +
                             std::to_string(rows[r].size()) + " fields, the header " +
                             std::to_string(header.size()));
    }
    ObjectBuilder b(table->arena, static_cast<uint32_t>(header.size()));
    for (size_t c = 0; c < header.size(); ++c) {
      if (c != key) b.append_unique(names[c], Value::string(table->arena.copy_string(rows[r][c])));
    }
    table->rows.insert_or_assign(rows[r][key], b.finish());  // a repeated key: the last row wins
  }
  return table;
}

// JSON: an array of objects, or one object per line.
Result<std::shared_ptr<Table>> load_json(const std::string& text, const std::string& key_column) {
  auto table = std::make_shared<Table>();
  format::JsonLimits limits;
  limits.max_body_bytes = text.size() + 1;
  limits.max_event_bytes = text.size() + 1;
  format::JsonReader reader(limits);
  Batch batch(std::shared_ptr<Arena>(&table->arena, [](Arena*) {}));
  std::vector<format::JsonError> errors;
  SLUICE_RETURN_IF_ERROR(reader.read_events(text, format::BodyFormat::kAuto, batch, &errors));
  if (!errors.empty()) return Status::invalid(errors.front().message);
  const FieldId key = FieldNames::intern(key_column);
  std::string text_key;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const Value& row = batch.events[i].fields;
    const Value* k = row.find(key);
    if (k == nullptr || k->is_null()) {
      return Status::invalid("object " + std::to_string(i + 1) + " has no \"" + key_column + "\"");
    }
    key_text(*k, &text_key);
    ObjectBuilder b(table->arena, row.size());
    for (const Field& f : row.as_object()) {
      if (f.name != key) b.append_unique(f.name, f.value);
    }
    table->rows.insert_or_assign(text_key, b.finish());
  }
  return table;
}

struct FileVersion {
  int64_t mtime_ns = -1;
  int64_t size = -1;
  bool operator==(const FileVersion&) const = default;
};

FileVersion version_of(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, st.st_size};
}

Result<std::shared_ptr<Table>> load_table(const std::string& path, const std::string& key_column) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const bool json =
      path.ends_with(".json") || path.ends_with(".ndjson") || path.ends_with(".jsonl");
  auto table = json ? load_json(text, key_column) : load_csv(text, key_column);
  if (!table) return table.status().with_context(path);
  return table;
}

class EnrichTransform final : public Transform {
 public:
  EnrichTransform(const BuildContext& ctx, std::shared_ptr<Table> table)
      : path_(ctx.options().get_string("table")),
        key_(ctx.options().get_paths("key").front()),
        key_column_(table_key_of(ctx.options())),
        target_(ctx.options().get_paths("target").empty()
                    ? FieldPath()
                    : ctx.options().get_paths("target").front()),
        on_missing_(ctx.options().get_string("on_missing")),
        reload_every_us_(ctx.options().get_int("reload_interval")),
        table_(std::move(table)),
        version_(version_of(path_)),
        stats_(ctx.stats) {
    for (const std::string& f : ctx.options().get_strings("fields"))
      fields_.push_back(FieldNames::intern(f));
    stats_.set_state_entries(table_->rows.size());
  }

  static std::string table_key_of(const OptionValues& o) {
    if (!o.get_string("table_key").empty()) return o.get_string("table_key");
    const FieldPath& key = o.get_paths("key").front();
    return key.segments().empty() || key.segments().back().is_index
               ? std::string("key")
               : std::string(FieldNames::name(key.segments().back().field));
  }

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& result = out.main();
    Arena& arena = result.arena();
    for (const Event& event : in.events) {
      const Value* key = lookup(event.fields, key_);
      const Value* row = nullptr;
      if (key != nullptr && !key->is_null()) {
        key_text(*key, &key_buffer_);
        auto it = table_->rows.find(key_buffer_);
        if (it != table_->rows.end()) row = &it->second;
      }
      if (row == nullptr) {
        if (on_missing_ == "dead_letter") {
          out.dead_letter(event, "enrich: no row of " + path_ + " for " + key_.to_string() + " = " +
                                     (key ? format::to_json(*key) : std::string("(missing)")));
        } else if (on_missing_ == "keep") {
          result.events.push_back(event);
        }
        continue;  // drop: counted as in − out
      }
      Value fields = event.fields;
      if (!add(arena, *row, &fields)) {
        out.dead_letter(event, "enrich: " + error_);
        continue;
      }
      result.events.push_back(Event{fields, event.time_us, event.offset});
    }
    stats_.add_in(in.size());
    stats_.add_out(result.size());
  }

  // The table file changed: load it again; a broken new version keeps the old table.
  void on_tick(int64_t now_us, TransformOutputs& out) override {
    (void)out;
    if (now_us < next_check_us_) return;
    next_check_us_ = now_us + reload_every_us_;
    const FileVersion seen = version_of(path_);
    if (seen == version_) return;
    auto table = load_table(path_, key_column_);
    if (!table) {
      if (failed_version_ != seen) {
        spdlog::error("enrich: keeping the table loaded before: {}", table.status().message());
        stats_.add_error();
      }
      failed_version_ = seen;
      return;
    }
    table_ = std::move(*table);
    version_ = seen;
    stats_.set_state_entries(table_->rows.size());
    spdlog::info("enrich: reloaded {} ({} rows)", path_, table_->rows.size());
  }

 private:
  bool add(Arena& arena, const Value& row, Value* fields) {
    // The chosen columns, copied into the batch's arena.
    ObjectBuilder picked(arena, row.size());
    for (const Field& f : row.as_object()) {
      if (fields_.empty() || std::find(fields_.begin(), fields_.end(), f.name) != fields_.end()) {
        picked.append_unique(f.name, deep_copy(f.value, arena));
      }
    }
    const Value added = picked.finish();
    if (!target_.is_root()) {
      auto updated = set_path(arena, *fields, target_, added);
      if (!updated) {
        error_ = updated.status().message();
        return false;
      }
      *fields = *updated;
      return true;
    }
    ObjectBuilder merged(arena, fields->size() + added.size());
    for (const Field& f : fields->as_object()) merged.append_unique(f.name, f.value);
    for (const Field& f : added.as_object()) merged.set(f.name, f.value);
    *fields = merged.finish();
    return true;
  }

  std::string path_;
  FieldPath key_;
  std::string key_column_;
  FieldPath target_;
  std::string on_missing_;
  int64_t reload_every_us_;
  std::vector<FieldId> fields_;
  std::shared_ptr<Table> table_;
  FileVersion version_, failed_version_;
  int64_t next_check_us_ = 0;
  observe::ComponentStats& stats_;
  std::string key_buffer_, error_;
};

std::vector<std::pair<std::string, std::string>> check_enrich_options(const OptionValues& o) {
  std::vector<std::pair<std::string, std::string>> problems;
  // An option that is missing or did not parse is reported already: nothing to check here.
  if (o.has("key") && o.get_paths("key").size() != 1)
    problems.emplace_back("key", "name exactly one field, e.g. .user_id");
  if (o.has("target") && o.get_paths("target").size() > 1)
    problems.emplace_back("target", "name at most one field");
  return problems;
}

}  // namespace

TransformType enrich_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "enrich";
  spec.summary =
      "Adds fields from a CSV or JSON table looked up by a key field; reloads the table when it "
      "changes.";
  spec.options = {
      OptionSpec::required_option(
          "table", OptionType::kString,
          "CSV file with a header row, or JSON (an array of objects or NDJSON: .json, "
          ".ndjson); relative to the working directory."),
      OptionSpec::required_option("key", OptionType::kPathList,
                                  "The event field to look up, e.g. .service."),
      OptionSpec::optional("table_key", OptionType::kString, "",
                           "The table's column to match; default: the key field's name."),
      OptionSpec::optional("fields", OptionType::kStringList, "",
                           "Columns to add; none: every column but the key."),
      OptionSpec::optional("target", OptionType::kPathList, "",
                           "Where the columns go, e.g. .owner; none: into the event (replacing "
                           "fields of the same name)."),
      OptionSpec::optional(
          "on_missing", OptionType::kEnum, "keep",
          "An event whose key has no row: keep it as it is, drop it, or dead_letter it.")
          .one_of({"keep", "drop", "dead_letter"}),
      OptionSpec::optional("reload_interval", OptionType::kDuration, "5s",
                           "How often to check whether the table file changed.")
          .at_least(100'000),
  };
  spec.check_options = check_enrich_options;
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         auto table = load_table(ctx.options().get_string("table"),
                                                 EnrichTransform::table_key_of(ctx.options()));
                         if (!table) return table.status();
                         return std::unique_ptr<Transform>(
                             std::make_unique<EnrichTransform>(ctx, std::move(*table)));
                       }};
}

}  // namespace sluice::transform

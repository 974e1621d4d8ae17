#include "sink/parquet.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/time.h"
#include "format/column_mapper.h"
#include "sink/lake/file_names.h"
#include "sink/lake/lake_file.h"
#include "sink/lake/lake_schema.h"
#include "sink/lake/partitioner.h"
#include "sink/lake/rejected_events.h"
#include "sink/lake/storage.h"

namespace sluice::sink {
namespace {

using format::parquet::ColumnSpec;
using format::parquet::ColumnType;
using lake::LakeFile;

const std::vector<std::string> kColumnTypes = {"boolean", "int64", "double", "string", "timestamp"};
const std::vector<std::string> kCodecs = {"zstd", "snappy", "gzip", "lz4", "none"};

format::Compression codec_named(const std::string& name) {
  if (name == "snappy") return format::Compression::kSnappy;
  if (name == "gzip") return format::Compression::kGzip;
  if (name == "lz4") return format::Compression::kLz4;
  if (name == "none") return format::Compression::kNone;
  return format::Compression::kZstd;
}

// The dotted column name a field partition's value would otherwise be stored under.
std::string column_name_of(const FieldPath& path) {
  std::string name;
  for (const PathSegment& s : path.segments()) {
    if (!name.empty()) name += '.';
    name += FieldNames::name(s.field);
  }
  return name;
}

// The identity of a batch, to tell the runner's retry of a batch already taken in
// (whose files only need storing) from a new one.
struct BatchIdentity {
  const Batch* batch;
  BatchOrigin origin;
  size_t events;
  bool operator==(const BatchIdentity& o) const {
    return batch == o.batch && origin.source == o.origin.source &&
           origin.partition == o.origin.partition && origin.first_offset == o.origin.first_offset &&
           origin.last_offset == o.origin.last_offset && events == o.events;
  }
};

class ParquetSink final : public Sink {
 public:
  explicit ParquetSink(const BuildContext& ctx)
      : name_(ctx.name()), stats_(ctx.stats), rejected_(prefix_of(ctx)) {
    const OptionValues& o = ctx.options();
    std::string root = o.get_string("path");
    if (!std::filesystem::path(root).is_absolute())
      root = (std::filesystem::path(ctx.pipeline.data_dir) / root).string();
    storage_ = lake::local_storage(root);
    options_.prefix = prefix_of(ctx);
    options_.chunk.compression = codec_named(o.get_string("compression"));
    options_.chunk.compression_level = static_cast<int>(o.get_int("compression_level"));
    options_.chunk.page_bytes = static_cast<size_t>(o.get_int("page_size"));
    options_.dictionary_bytes = static_cast<size_t>(o.get_int("dictionary_size"));
    row_group_bytes_ = static_cast<size_t>(o.get_int("row_group_size"));
    max_buffer_bytes_ = static_cast<size_t>(o.get_int("max_buffer_size"));
    max_file_bytes_ = static_cast<size_t>(o.get_int("max_file_size"));
    max_file_age_us_ = o.get_int("max_file_age");
    max_open_files_ = static_cast<size_t>(o.get_int("max_open_files"));
    nested_name_ = o.get_string("nested");

    std::vector<lake::PartitionSpec> specs;
    std::set<std::string> excluded;
    for (const std::string& text : o.get_strings("partition_by")) {
      auto spec = lake::parse_partition_spec(text);  // validated when the pipeline was loaded
      if (!spec) continue;
      if (spec->field) {
        excluded.insert(column_name_of(*spec->field));
        partition_fields_ +=
            (partition_fields_.empty() ? "" : ",") + spec->name + "=" + spec->field->to_string();
      }
      specs.push_back(std::move(*spec));
    }
    partitioner_.emplace(std::move(specs));
    schema_.emplace(nested_name_ == "json" ? format::ColumnMapper::Nested::kJson
                                           : format::ColumnMapper::Nested::kFlatten,
                    o.get_string("time_column"), std::move(excluded), name_, stats_);
    for (const auto& [name, type] : o.get_string_map("schema")) {
      schema_->declare(name, *format::parquet::column_type_named(type));
    }
  }

  ~ParquetSink() override {
    for (auto& [key, file] : files_) file->abort();
    for (auto& file : closing_) file->abort();
    rejected_.abort();
  }

  Status write(const Batch& batch) override {
    const BatchIdentity identity{&batch, batch.origin, batch.size()};
    if (!(accepted_ && *accepted_ == identity)) {
      SLUICE_RETURN_IF_ERROR(load_directories(batch));
      accept(batch);
      accepted_ = identity;
    }
    SLUICE_RETURN_IF_ERROR(store_all());
    accepted_.reset();
    ++written_;
    return Status::ok();
  }

  Status flush() override {
    const int64_t now = steady_now_us();
    std::vector<std::string> old;
    for (auto& [key, file] : files_) {
      if (now - file->opened_us() >= max_file_age_us_) old.push_back(key);
    }
    for (const std::string& key : old) SLUICE_RETURN_IF_ERROR(finish(key));
    SLUICE_RETURN_IF_ERROR(store_all());
    return rejected_.flush(*storage_);
  }

  Status close() override {
    std::vector<std::string> keys;
    for (auto& [key, file] : files_) keys.push_back(key);
    for (const std::string& key : keys) SLUICE_RETURN_IF_ERROR(finish(key));
    SLUICE_RETURN_IF_ERROR(store_all());
    if (skipped_total_ > 0) {
      spdlog::info(
          "parquet sink \"{}\": {} replayed events were already in the lake and not written again",
          name_, skipped_total_);
    }
    return rejected_.flush(*storage_);
  }

  uint64_t held_batches() const override {
    uint64_t oldest = written_;
    for (const auto& [key, file] : files_) oldest = std::min(oldest, file->first_batch());
    for (const auto& file : closing_) oldest = std::min(oldest, file->first_batch());
    return written_ - oldest;
  }

 private:
  using Appended = lake::LakeSchema::Appended;

  static std::string prefix_of(const BuildContext& ctx) {
    const std::string& p = ctx.options().get_string("prefix");
    return p.empty() ? ctx.name() : p;
  }

  static std::string file_key(std::string_view dir, const std::string& topic, int32_t partition) {
    std::string key(dir);
    key += '\0';
    key += topic;
    key += '\0';
    key += std::to_string(partition);
    return key;
  }

  // ---- exactly once: what each directory already holds ----

  // The first time this run writes to a directory, the names of the files in it
  // tell which offsets of each partition it holds; leftovers of a killed run
  // (temporary files) are removed.
  Status load_directories(const Batch& batch) {
    for (const Event& e : batch.events) {
      const std::string_view dir = partitioner_->directory(e);
      if (held_.count(std::string(dir))) continue;
      const std::string name(dir);
      auto names = storage_->list(name);
      if (!names) return names.status();
      std::map<std::pair<std::string, int32_t>, int64_t> held;
      for (const std::string& file : *names) {
        if (lake::is_temp_file_name(file, options_.prefix)) {
          SLUICE_RETURN_IF_ERROR(storage_->remove(name, file));
          spdlog::info("parquet sink \"{}\": removed {} left by an earlier run", name_,
                       storage_->describe(name, file));
          continue;
        }
        auto parsed = lake::parse_logged_file_name(file, options_.prefix);
        if (!parsed) continue;
        int64_t& last = held[{parsed->topic, parsed->partition}];
        last = std::max(last, parsed->last_offset);
      }
      held_.emplace(name, std::move(held));
    }
    return Status::ok();
  }

  bool already_held(std::string_view dir, const std::string& topic, int32_t partition,
                    int64_t offset) {
    auto d = held_.find(std::string(dir));
    if (d == held_.end()) return false;
    auto p = d->second.find({topic, partition});
    return p != d->second.end() && offset <= p->second;
  }

  // ---- taking events in ----

  void accept(const Batch& batch) {
    stats_.add_in(batch.size());
    const bool from_log = batch.origin.partition >= 0;
    uint64_t appended = 0, skipped = 0, rejected = 0;
    for (const Event& e : batch.events) {
      ++event_sequence_;
      const bool logged = from_log && e.offset >= 0;
      const std::string_view dir = partitioner_->directory(e);
      if (logged && already_held(dir, batch.origin.source, batch.origin.partition, e.offset)) {
        ++skipped;
        continue;
      }
      LakeFile* file = &file_for(dir, logged ? batch.origin.source : std::string(),
                                 logged ? batch.origin.partition : -1, e.offset);
      if (!logged || e.offset != file->group_offset()) {
        file->start_group(e.offset);
        file->group_events.clear();
      }
      std::string reason;
      Appended result = schema_->append(*file, e, &reason);
      if (result == Appended::kSchemaChange) {
        file = &reopen(*file);
        result = schema_->append(*file, e, &reason);
        if (result == Appended::kSchemaChange) {
          result = Appended::kRejected;  // cannot happen: a new file takes any column
          reason = "internal: schema did not settle";
        }
      }
      if (result == Appended::kRejected) {
        rejected_.add(e, reason);
        ++rejected;
        continue;
      }
      file->note_offset(e.offset);
      file->group_events.push_back(&e);
      file->last_used = event_sequence_;
      ++appended;
    }
    // The end of a batch is an offset boundary for every file: the place to cut row groups and
    // files.
    std::vector<std::string> full;
    size_t buffered = 0;
    for (auto& [key, file] : files_) {
      file->group_events.clear();
      if (file->buffered_bytes() >= row_group_bytes_) encode(*file);
      if (file->estimated_bytes(compression_ratio()) >= max_file_bytes_) full.push_back(key);
      buffered += file->buffered_bytes();
    }
    for (const std::string& key : full) (void)finish(key);
    // Many open files must not add up to more memory than the sink may hold: the
    // largest row groups in memory are cut early (smaller, but nothing waits).
    while (buffered > max_buffer_bytes_) {
      LakeFile* largest = nullptr;
      for (auto& [key, file] : files_) {
        if (!largest || file->buffered_bytes() > largest->buffered_bytes()) largest = file.get();
      }
      if (!largest || largest->buffered_bytes() == 0) break;
      buffered -= largest->buffered_bytes();
      encode(*largest);
    }
    stats_.add_out(appended);
    if (skipped > 0) {
      stats_.add_already_written(skipped);
      if (skipped_total_ == 0) {
        spdlog::info(
            "parquet sink \"{}\": skipping replayed events the lake already holds (their offsets "
            "are in "
            "committed files)",
            name_);
      }
      skipped_total_ += skipped;
    }
    if (rejected > 0) stats_.add_dead_lettered(rejected);
  }

  // ---- files ----

  LakeFile& file_for(std::string_view dir, const std::string& topic, int32_t partition,
                     int64_t offset) {
    // Most events go where the one before went: skip building the key.
    if (last_file_ && last_file_->partition() == partition && last_file_->dir() == dir &&
        last_file_->topic() == topic) {
      return *last_file_;
    }
    std::string key = file_key(dir, topic, partition);
    auto it = files_.find(key);
    if (it != files_.end()) {
      last_file_ = it->second.get();
      return *last_file_;
    }
    if (files_.size() >= max_open_files_) close_oldest(topic, partition, offset);
    return open_file(std::string(dir), topic, partition, std::move(key));
  }

  LakeFile& open_file(std::string dir, const std::string& topic, int32_t partition,
                      std::string key) {
    auto file = std::make_unique<LakeFile>(std::move(dir), topic, partition, options_, written_,
                                           steady_now_us(), ++file_sequence_);
    // Every column known so far, time column first: files of one sink share their schema.
    schema_->add_known_columns(*file);
    LakeFile& ref = *file;
    files_.emplace(std::move(key), std::move(file));
    last_file_ = &ref;
    return ref;
  }

  // Over max_open_files: finishes the least recently used file that may close now —
  // any but one of the current partition whose last offset is the current one.
  void close_oldest(const std::string& topic, int32_t partition, int64_t offset) {
    const std::string* oldest = nullptr;
    uint64_t oldest_use = UINT64_MAX;
    for (auto& [key, file] : files_) {
      const bool same_group = file->logged() && file->topic() == topic &&
                              file->partition() == partition && file->last_offset() >= offset;
      if (!same_group && file->last_used < oldest_use) {
        oldest_use = file->last_used;
        oldest = &key;
      }
    }
    if (oldest) (void)finish(std::string(*oldest));
  }

  // A column appeared or widened in a file whose schema is frozen: the current
  // offset group moves to a new file with the wider schema, and the old file ends
  // just before it.
  LakeFile& reopen(LakeFile& old) {
    old.truncate(old.group_start_row());
    old.set_last_offset(old.before_group_last());
    std::vector<const Event*> group = std::move(old.group_events);
    const int64_t group_offset = old.group_offset();
    const std::string dir = old.dir(), topic = old.topic();
    const int32_t partition = old.partition();
    std::string key = file_key(dir, topic, partition);
    (void)finish(key);
    LakeFile& fresh = open_file(dir, topic, partition, key);
    fresh.start_group(group_offset);
    for (const Event* e : group) {
      std::string reason;
      if (schema_->append(fresh, *e, &reason) == Appended::kOk) {
        fresh.note_offset(e->offset);
        fresh.group_events.push_back(e);
      } else {
        rejected_.add(*e, reason.empty() ? "could not be moved to a new file" : reason);
        stats_.add_dead_lettered(1);
      }
    }
    return fresh;
  }

  double compression_ratio() const {
    return encoded_plain_bytes_ == 0
               ? 0.5
               : static_cast<double>(encoded_bytes_) / static_cast<double>(encoded_plain_bytes_);
  }

  void encode(LakeFile& file) {
    const size_t plain_before = file.encoded_plain_bytes(), bytes_before = file.encoded_bytes();
    if (Status s = file.encode_row_group(); !s.is_ok()) {
      spdlog::error("parquet sink \"{}\": cannot encode a row group: {}", name_, s.message());
      stats_.add_error();
    }
    encoded_plain_bytes_ += file.encoded_plain_bytes() - plain_before;
    encoded_bytes_ += file.encoded_bytes() - bytes_before;
  }

  // Encodes the rest of the file and moves it to the files waiting to be stored.
  // A file that fails to finish stays among them and fails every store: its batches
  // are never reported durable (the error is logged here, callers may go on).
  Status finish(const std::string& key) {
    auto it = files_.find(key);
    if (it == files_.end()) return Status::ok();
    LakeFile& file = *it->second;
    if (last_file_ == &file) last_file_ = nullptr;
    if (file.total_rows() == 0) {
      // Every event meant for it was rejected: there is nothing to name or store.
      file.abort();
      files_.erase(it);
      return Status::ok();
    }
    encode(file);
    std::vector<format::parquet::KeyValue> md;
    if (file.logged()) {
      md.push_back({"sluice.log", file.topic() + " " + std::to_string(file.partition()) + " " +
                                      std::to_string(file.first_offset()) + "-" +
                                      std::to_string(file.last_offset())});
    }
    md.push_back({"sluice.nested", nested_name_});
    if (!schema_->time_column().empty())
      md.push_back({"sluice.time_column", schema_->time_column()});
    if (!partition_fields_.empty()) md.push_back({"sluice.partition_fields", partition_fields_});
    const std::string promotions = schema_->promotions(file.specs());
    if (!promotions.empty()) md.push_back({"sluice.promotions", promotions});
    Status s = file.finish(std::move(md));
    if (!s.is_ok()) {
      spdlog::error("parquet sink \"{}\": cannot finish a file in {}: {}", name_, file.dir(), s.message());
      stats_.add_error();
    }
    closing_.push_back(std::move(it->second));
    files_.erase(it);
    return s;
  }

  // Stores encoded bytes and commits finished files, in the order they finished.
  Status store_all() {
    size_t done = 0;
    Status status;
    for (; done < closing_.size(); ++done) {
      LakeFile& file = *closing_[done];
      status = file.store(*storage_);
      if (!status.is_ok()) break;
      stats_.add_bytes_out(file.encoded_bytes());
      if (file.logged()) {
        int64_t& last = held_[file.dir()][{file.topic(), file.partition()}];
        last = std::max(last, file.last_offset());
      }
      spdlog::debug("parquet sink \"{}\": wrote {} ({} rows)", name_,
                    storage_->describe(file.dir(), file.final_name()), file.total_rows());
    }
    closing_.erase(closing_.begin(), closing_.begin() + static_cast<std::ptrdiff_t>(done));
    if (!status.is_ok()) return status;
    for (auto& [key, file] : files_) SLUICE_RETURN_IF_ERROR(file->store(*storage_));
    return Status::ok();
  }

  std::string name_;
  observe::ComponentStats& stats_;
  lake::RejectedEvents rejected_;
  std::unique_ptr<lake::LakeStorage> storage_;
  lake::LakeFileOptions options_;
  size_t row_group_bytes_ = 0, max_file_bytes_ = 0, max_open_files_ = 0, max_buffer_bytes_ = 0;
  int64_t max_file_age_us_ = 0;
  std::string nested_name_, partition_fields_;
  std::optional<lake::Partitioner> partitioner_;
  std::optional<lake::LakeSchema> schema_;
  std::unordered_map<std::string, std::unique_ptr<LakeFile>> files_;
  std::vector<std::unique_ptr<LakeFile>> closing_;
  LakeFile* last_file_ = nullptr;  // the open file the previous event went to
  // Per directory: the highest offset per (topic, partition) its committed files hold.
  std::unordered_map<std::string, std::map<std::pair<std::string, int32_t>, int64_t>> held_;
  std::optional<BatchIdentity> accepted_;  // taken in, its files not yet all stored
  uint64_t written_ = 0;                   // batches written (taken in and stored)
  uint64_t event_sequence_ = 0, file_sequence_ = 0;
  uint64_t skipped_total_ = 0;
  size_t encoded_plain_bytes_ = 0, encoded_bytes_ = 0;
};

std::vector<std::pair<std::string, std::string>> check_parquet_options(const OptionValues& o) {
  std::vector<std::pair<std::string, std::string>> problems;
  for (char c : o.get_string("prefix")) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      problems.emplace_back("prefix", "\"" + o.get_string("prefix") + "\" may have letters, digits, '_' and '-' only "
                                      "(a '.' ends the prefix in file names)");
      break;
    }
  }
  for (const std::string& text : o.get_strings("partition_by")) {
    auto spec = lake::parse_partition_spec(text);
    if (!spec) problems.emplace_back("partition_by", spec.status().message());
  }
  return problems;
}

}  // namespace

SinkType parquet_sink_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = "parquet";
  spec.summary =
      "Writes the data lake: Parquet files in Hive-style partition directories, exactly once.";
  spec.options = {
      OptionSpec::required_option(
          "path", OptionType::kString,
          "The lake's root directory, created if missing; a relative path is inside data_dir."),
      OptionSpec::optional("prefix", OptionType::kString, "",
                           "File name prefix; default: the sink's name."),
      OptionSpec::optional("partition_by", OptionType::kStringList,
                           "[\"date=%Y-%m-%d\", \"hour=%H\"]",
                           "Directory levels: name=%time-pattern of the event time (UTC) or "
                           "name=.field; [] for none."),
      OptionSpec::optional(
          "schema", OptionType::kStringMap, "",
          "Declared columns: name → boolean, int64, double, string or timestamp; other fields are "
          "inferred.")
          .one_of(kColumnTypes),
      OptionSpec::optional(
          "nested", OptionType::kEnum, "flatten",
          "Nested objects: flatten into dotted columns (client.ip) or keep as json text.")
          .one_of({"flatten", "json"}),
      OptionSpec::optional("time_column", OptionType::kString, "event_time",
                           "Column with each event's time (UTC timestamp); \"\" for none."),
      OptionSpec::optional("compression", OptionType::kEnum, "zstd", "Page compression.")
          .one_of(kCodecs),
      OptionSpec::optional("compression_level", OptionType::kInt, "0",
                           "Codec level (zstd 1-19, gzip 1-9); 0: default.")
          .between(0, 22),
      OptionSpec::optional("row_group_size", OptionType::kSize, "32MiB",
                           "Close a row group when its data reaches this size (uncompressed); at most 1GiB.")
          .between(1, 1 << 30),
      OptionSpec::optional(
          "max_buffer_size", OptionType::kSize, "128MiB",
          "Row groups in memory over all open files at most; past it the largest is written early.")
          .at_least(1),
      OptionSpec::optional("page_size", OptionType::kSize, "1MiB",
                           "Target size of a data page (uncompressed).")
          .at_least(1024),
      OptionSpec::optional("dictionary_size", OptionType::kSize, "1MiB",
                           "Largest dictionary per column chunk; a column with more distinct data "
                           "is written PLAIN; 0: "
                           "no dictionaries.")
          .at_least(0),
      OptionSpec::optional("max_file_size", OptionType::kSize, "256MiB",
                           "Close a file when it reaches this size.")
          .at_least(1),
      OptionSpec::optional(
          "max_file_age", OptionType::kDuration, "1m",
          "Close a file this long after it was opened, so data reaches the lake in bounded time.")
          .at_least(1000),
      OptionSpec::optional(
          "max_open_files", OptionType::kInt, "100",
          "Files open at once (one per partition directory and log partition); past it the least "
          "recently used closes.")
          .at_least(1),
  };
  spec.check_options = check_parquet_options;
  return SinkType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Sink>> {
                    return std::unique_ptr<Sink>(std::make_unique<ParquetSink>(ctx));
                  }};
}

}  // namespace sluice::sink
